"""Import aiogram with each Telegram type's validation schema built on first use.

aiogram declares its few hundred types `defer_build=True`, and then `aiogram.types` ends with
a loop that rebuilds every one of them (`model_rebuild(_types_namespace=...)`, to resolve the
names its modules import only for type checking). That loop builds a pydantic schema for
stickers, gifts, business accounts and everything else the bot never meets: measured, about
2.5 s of start-up and 100 MB of memory that stays, most of the runtime's footprint.

`import_aiogram()` imports aiogram with that loop only recording the namespace on each class,
as `__pydantic_parent_namespace__`: pydantic's own place for the names a deferred model needs
when it builds itself, which it does the first time an update or a call meets it. The methods
whose schemas could not be finished without those names get the same namespace, and so does
each `Response[T]` built later (`resolvable`). Validation is pydantic's, unchanged; only when
each schema is built moves. `tests/test_aiogram_lazy.py` compares what the lazy import parses
and sends with what a plain `import aiogram` does.
"""

from __future__ import annotations

import sys
from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=type[BaseModel])

# The names aiogram's types refer to each other by, as its rebuild loop passes them.
_namespace: dict[str, Any] = {}


def import_aiogram() -> None:
    """Import `aiogram.types` and `aiogram.methods`, leaving their schemas to first use.

    Call it before anything else imports aiogram; once aiogram is loaded it changes nothing.
    """
    if "aiogram.types" in sys.modules:
        return
    eager = BaseModel.__dict__["model_rebuild"]  # the classmethod object itself, to restore it

    def record_namespace(
        cls: type[BaseModel],
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        if _types_namespace is not None and not force and cls.__module__.startswith("aiogram."):
            _namespace.update(_types_namespace)
            cls.__pydantic_parent_namespace__ = _namespace
            return None
        return eager.__func__(  # type: ignore[no-any-return]
            cls,
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=_parent_namespace_depth + 1,  # this frame sits in between
            _types_namespace=_types_namespace,
        )

    BaseModel.model_rebuild = classmethod(record_namespace)  # type: ignore[method-assign,assignment]
    # The methods (about 190 of them) are not declared deferred: each would build its schema
    # as its class is made, most only to fail for the names above and be rebuilt on first use.
    # Every model made while aiogram imports inherits this setting from BaseModel's config.
    BaseModel.model_config["defer_build"] = True
    try:
        import aiogram.methods
        import aiogram.types  # its rebuild loop is what record_namespace catches
    finally:
        BaseModel.model_rebuild = eager  # type: ignore[method-assign]
        del BaseModel.model_config["defer_build"]
    for name in aiogram.methods.__all__:
        method = getattr(aiogram.methods, name)
        if isinstance(method, type) and issubclass(method, BaseModel):
            resolvable(method)


def resolvable(model: Model) -> Model:
    """Give `model` (a method, or a `Response[T]` of a lazy type) the names its schema needs."""
    if _namespace and not model.__pydantic_complete__:
        model.__pydantic_parent_namespace__ = _namespace
    return model
