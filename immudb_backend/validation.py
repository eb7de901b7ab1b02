from django.core import checks
from django.db.backends.base.validation import BaseDatabaseValidation

MAX_EXACT_DECIMAL_DIGITS = 18


class DatabaseValidation(BaseDatabaseValidation):
    def check_field_type(self, field, field_type):
        errors = []
        if field.get_internal_type() == "DecimalField" and (field.max_digits or 0) > MAX_EXACT_DECIMAL_DIGITS:
            errors.append(
                checks.Error(
                    f"immudb stores decimals exactly as 64-bit integers, so max_digits must be at most "
                    f"{MAX_EXACT_DECIMAL_DIGITS}.",
                    obj=field,
                    id="immudb_backend.E001",
                )
            )
        return errors
