"""What a variant is, the keys it may need, and the decorators that declare one.

A variant declares itself where it is written: `@breaks("audit.since")` over a builder
makes it a broken variant that check must catch, `@allowed` one that every check must
pass. Its name is the builder's, dashed; its area is the module it is written in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp.typedefs import Middleware

from mockserver.domain.models import Role, World


@dataclass(frozen=True, slots=True)
class Keys:
    """The keys of the world the variants serve, by project and role."""

    admin: tuple[str, ...]
    member: tuple[str, ...]

    @classmethod
    def of(cls, world: World) -> Keys:
        def role(wanted: Role) -> tuple[str, ...]:
            return tuple(
                next(k.key for k in project.keys if k.role is wanted) for project in world.projects
            )

        return cls(role(Role.ADMIN), role(Role.MEMBER))

    def all(self) -> tuple[str, ...]:
        return self.admin + self.member


Build = Callable[[World, Keys], Middleware]


@dataclass(frozen=True, slots=True)
class Variant:
    """One variant: `caught_by` names checks of which at least one must fail (empty: none may)."""

    name: str
    area: str
    build: Build
    caught_by: frozenset[str] = frozenset()


def breaks(*checks: str) -> Callable[[Build], Variant]:
    """Declare the decorated builder a broken variant that one of `checks` must catch."""
    if not checks:
        raise ValueError("a broken variant names the checks that catch it")

    def declare(build: Build) -> Variant:
        return Variant(_name(build), _area(build), build, frozenset(checks))

    return declare


def allowed(build: Build) -> Variant:
    """Declare the decorated builder a variant the contract allows: every check passes."""
    return Variant(_name(build), _area(build), build)


def _name(build: Build) -> str:
    return build.__name__.replace("_", "-")


def _area(build: Build) -> str:
    return build.__module__.rsplit(".", 1)[-1]
