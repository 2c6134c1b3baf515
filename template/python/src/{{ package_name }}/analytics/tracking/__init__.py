"""Storing analytics events, and handing them to the analytics task."""

from .event_tracker import EventTracker, event_name, event_properties

__all__ = ["EventTracker", "event_name", "event_properties"]
