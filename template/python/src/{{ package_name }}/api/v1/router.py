"""The v1 router: every endpoint module, mounted under its prefix."""

from fastapi import APIRouter

from .endpoints import auth, users

api_router = APIRouter()
api_router.include_router(auth.router, prefix="/auth", tags=["auth"])
api_router.include_router(users.router, prefix="/users", tags=["users"])
