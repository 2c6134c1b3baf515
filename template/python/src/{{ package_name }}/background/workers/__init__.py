"""Entry points of the worker processes, one per kind of work: `python -m` each module.

Nothing is imported here: a module that `python -m` runs must not be imported by its
package first (it would exist twice, and Python warns about it).
"""
