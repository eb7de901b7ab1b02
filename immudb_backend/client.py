from django.db.backends.base.client import BaseDatabaseClient


class DatabaseClient(BaseDatabaseClient):
    """``manage.py dbshell`` opens immudb's own ``immuclient``."""

    executable_name = "immuclient"

    @classmethod
    def settings_to_cmd_args_env(cls, settings_dict, parameters):
        # The same defaults as the backend's connection (base.py).
        args = [
            cls.executable_name,
            f"--immudb-address={settings_dict['HOST'] or 'localhost'}",
            f"--immudb-port={settings_dict['PORT'] or 3322}",
            f"--username={settings_dict['USER'] or 'immudb'}",
            f"--database={settings_dict['NAME']}",
            *parameters,
        ]
        # immuclient reads IMMUCLIENT_<FLAG> variables; a password there stays
        # out of the process list.
        return args, {"IMMUCLIENT_PASSWORD": settings_dict["PASSWORD"] or "immudb"}
