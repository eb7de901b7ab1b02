from django.db.backends.base.client import BaseDatabaseClient


class DatabaseClient(BaseDatabaseClient):
    """``manage.py dbshell`` opens immudb's own ``immuclient``."""

    executable_name = "immuclient"

    @classmethod
    def settings_to_cmd_args_env(cls, settings_dict, parameters):
        args = [
            cls.executable_name,
            f"--immudb-address={settings_dict['HOST'] or 'localhost'}",
            f"--immudb-port={settings_dict['PORT'] or 3322}",
            f"--username={settings_dict['USER'] or 'immudb'}",
            f"--database={settings_dict['NAME']}",
            *parameters,
        ]
        env = {"IMMUCLIENT_PASSWORD": settings_dict["PASSWORD"]} if settings_dict["PASSWORD"] else None
        return args, env
