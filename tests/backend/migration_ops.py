"""Migration operations run the way a migration runs them, for the schema tests."""

from django.db import connection


def next_state(app, state, operation):
    new_state = state.clone()
    operation.state_forwards(app, new_state)
    return new_state


def apply_operations(app, state, *operations):
    """Run ``operations`` of ``app`` forwards on the default database; the new state."""
    for operation in operations:
        new_state = next_state(app, state, operation)
        with connection.schema_editor() as editor:
            operation.database_forwards(app, editor, state, new_state)
        state = new_state
    return state
