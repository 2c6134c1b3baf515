from typing import Any

from fastapi.testclient import TestClient


def create(client: TestClient, email: str = "ada@example.com", name: str = "Ada") -> dict[str, Any]:
    response = client.post("/users", json={"email": email, "name": name})
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_create_returns_the_stored_user(client: TestClient) -> None:
    user = create(client, email="Ada@Example.com")
    assert user["email"] == "ada@example.com"
    assert user["name"] == "Ada"
    assert isinstance(user["id"], int)
    assert user["created_at"] and user["updated_at"]


def test_create_with_taken_email_is_409(client: TestClient) -> None:
    create(client)
    response = client.post("/users", json={"email": "ADA@example.com", "name": "Twin"})
    assert response.status_code == 409
    assert "already registered" in response.json()["detail"]
    assert response.json()["code"] == "conflict"


def test_create_with_malformed_email_is_422(client: TestClient) -> None:
    response = client.post("/users", json={"email": "not-an-email", "name": "Ada"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["detail"][0]["loc"] == ["body", "email"]
    spaced = client.post("/users", json={"email": "  Ada@Example.com ", "name": "Ada"})
    assert spaced.json()["email"] == "ada@example.com"


def test_create_with_missing_or_empty_fields_is_422(client: TestClient) -> None:
    assert client.post("/users", json={"email": "ada@example.com"}).status_code == 422
    assert client.post("/users", json={"email": "ada@example.com", "name": ""}).status_code == 422


def test_read(client: TestClient) -> None:
    user = create(client)
    assert client.get(f"/users/{user['id']}").json() == user


def test_read_unknown_is_404(client: TestClient) -> None:
    response = client.get("/users/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "User 999 not found", "code": "not_found"}


def test_read_with_non_integer_id_is_422(client: TestClient) -> None:
    assert client.get("/users/abc").status_code == 422


def test_an_id_out_of_range_is_422_not_a_database_error(client: TestClient) -> None:
    for user_id in (0, 2**31, 10**30):
        for method in ("GET", "PATCH", "DELETE"):
            response = client.request(method, f"/users/{user_id}", json={"name": "X"})
            assert response.status_code == 422, (method, user_id)
    assert client.get(f"/users/{2**31 - 1}").status_code == 404


def test_a_422_lists_the_problems_without_the_values_sent(client: TestClient) -> None:
    response = client.post("/users", json={"email": "ada@example.com", "name": "x" * 101})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "x" * 101 not in response.text
    assert [set(error) for error in body["detail"]] == [{"type", "loc", "msg"}]


def test_errors_fastapi_answers_carry_a_code(client: TestClient) -> None:
    assert client.get("/nowhere").json() == {"detail": "Not Found", "code": "not_found"}
    response = client.put("/users/1")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


def test_openapi_documents_the_error_answers(client: TestClient) -> None:
    responses = client.get("/openapi.json").json()["paths"]["/users/{user_id}"]["patch"]
    assert {"404", "409", "422"} <= responses["responses"].keys()


def test_list_is_paginated_in_id_order(client: TestClient) -> None:
    ids = [create(client, email=f"user{i}@example.com", name=f"User {i}")["id"] for i in range(5)]
    page = client.get("/users", params={"offset": 1, "limit": 2}).json()
    assert page["total"] == 5
    assert (page["offset"], page["limit"]) == (1, 2)
    assert [user["id"] for user in page["items"]] == ids[1:3]


def test_list_defaults_and_empty(client: TestClient) -> None:
    assert client.get("/users").json() == {"items": [], "total": 0, "offset": 0, "limit": 20}


def test_list_rejects_bad_paging(client: TestClient) -> None:
    assert client.get("/users", params={"limit": 0}).status_code == 422
    assert client.get("/users", params={"limit": 101}).status_code == 422
    assert client.get("/users", params={"offset": -1}).status_code == 422
    assert client.get("/users", params={"offset": 2**31}).status_code == 422


def test_update(client: TestClient) -> None:
    user = create(client)
    response = client.patch(f"/users/{user['id']}", json={"name": "Ada Lovelace"})
    assert response.status_code == 200
    assert response.json()["name"] == "Ada Lovelace"
    assert response.json()["email"] == "ada@example.com"


def test_update_email_to_taken_one_is_409(client: TestClient) -> None:
    create(client)
    alan = create(client, email="alan@example.com", name="Alan")
    response = client.patch(f"/users/{alan['id']}", json={"email": "ADA@example.com"})
    assert response.status_code == 409


def test_update_with_malformed_email_is_422(client: TestClient) -> None:
    user = create(client)
    assert client.patch(f"/users/{user['id']}", json={"email": "nope"}).status_code == 422


def test_update_unknown_is_404(client: TestClient) -> None:
    assert client.patch("/users/999", json={"name": "Nobody"}).status_code == 404


def test_delete(client: TestClient) -> None:
    user = create(client)
    assert client.delete(f"/users/{user['id']}").status_code == 204
    assert client.get(f"/users/{user['id']}").status_code == 404


def test_delete_unknown_is_404(client: TestClient) -> None:
    assert client.delete("/users/999").status_code == 404
