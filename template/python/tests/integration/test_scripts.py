"""scripts/init_db.py and scripts/create_user.py against a real database file."""

from scripts import create_user, init_db


def test_init_db_then_create_an_admin_then_refuse_the_same_email(env_database, capsys):
    assert init_db.main([]) == 0
    assert create_user.main(["Admin@Example.com", "--password", "admin password"]) == 0
    assert "created admin admin@example.com" in capsys.readouterr().out

    assert create_user.main(["admin@example.com", "--password", "admin password"]) == 1
    assert capsys.readouterr().err.strip() == (
        "error: a user with email admin@example.com already exists"
    )


def test_create_user_rejects_a_short_password(env_database, capsys, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt: "short")
    assert create_user.main(["someone@example.com"]) == 2
    assert "password" in capsys.readouterr().err


def test_init_db_refuses_a_database_it_did_not_create(env_database, capsys):
    import sqlite3

    path = env_database.split("///", 1)[1]
    with sqlite3.connect(path) as connection:
        connection.execute("create table users (id integer primary key, email text)")
    assert init_db.main([]) == 1
    assert "no migration history" in capsys.readouterr().err
