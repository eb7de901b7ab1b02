from django.core import checks
from django.db.backends.base.validation import BaseDatabaseValidation

MAX_EXACT_DECIMAL_DIGITS = 18


class DatabaseValidation(BaseDatabaseValidation):
    def check_field_type(self, field, field_type):
        warnings = []
        if field.get_internal_type() == "DecimalField" and (field.max_digits or 0) > MAX_EXACT_DECIMAL_DIGITS:
            # A warning, not an error: such a field works for every value
            # that fits, and a value that does not fit raises DataError.
            warnings.append(
                checks.Warning(
                    f"immudb stores decimals exactly as 64-bit integers, which hold any {MAX_EXACT_DECIMAL_DIGITS} "
                    f"digits but not all {field.max_digits}: a value that does not fit raises DataError.",
                    hint=f"Use max_digits={MAX_EXACT_DECIMAL_DIGITS} or fewer.",
                    obj=field,
                    id="immudb_backend.W001",
                )
            )
        return warnings
