"""What every compiled kernel shares: numba's decorators and scipy's normal functions.

numba is optional (``pip install "collsec[fast]"``). Without it the decorators
leave the kernels as plain Python (correct, and far too slow to run), so that
every module of :mod:`collsec.fast` imports and reads the same either way.

- :data:`jit` compiles a kernel called from another kernel or from Python;
  :data:`inline` compiles a helper that numba pastes into its caller.
- :func:`borrow` gives the same arrays without a reference count. numba
  counts a reference each time a kernel binds an array (a call's argument, an
  unpack from a tuple, a row) and its pruning pass leaves most of them: about
  560 counts a simulated year of the default world (counted with gdb on
  ``NRT_incref``/``NRT_decref``), each an atomic add on a count that two
  threads may share, and each an opaque call that keeps the compiler from
  holding the arrays' fields in registers. A borrowed array is of its own
  numba type (``Borrowed``), whose meminfo is an untracked pointer, so numba
  emits no count on it at all (7 calls a simulated year are left, on views).
  :func:`~collsec.fast.engine.run_many` borrows the chunk's arrays, which the
  caller holds for the whole call. A view or copy of a borrowed array is an
  ordinary array (``Borrowed`` keeps numba's ``Array.copy`` of the type), so
  what the kernels allocate is counted as before.
- :func:`ndtri` and :func:`ndtr` are scipy's own normal quantile and
  distribution functions (``scipy.special.cython_special``), linked by symbol
  name, not as ctypes pointers, so that the compiled code can be cached.
- No fast-math anywhere: no reassociation or fused multiply-add, so every
  expression keeps the NumPy engine's order of operations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

try:
    import llvmlite.binding
    import numba
    from numba import types
    from numba.extending import get_cython_function_address

    for _name, _capi in (("ndtri", "ndtri"), ("ndtr", "__pyx_fuse_1ndtr")):
        llvmlite.binding.add_symbol(
            f"collsec_scipy_{_name}",
            get_cython_function_address("scipy.special.cython_special", _capi),
        )
    _SIG = types.float64(types.float64)
    ndtri: Any = types.ExternalFunction("collsec_scipy_ndtri", _SIG)
    ndtr: Any = types.ExternalFunction("collsec_scipy_ndtr", _SIG)
    jit: Callable[[Any], Any] = numba.njit(nogil=True, cache=True, error_model="numpy")
    inline: Callable[[Any], Any] = numba.njit(
        nogil=True, cache=True, error_model="numpy", inline="always"
    )
    HAVE_NUMBA = True

    from numba.core.datamodel import models
    from numba.extending import intrinsic, register_model
    from numba.np.arrayobj import make_array, populate_array

    class Borrowed(types.Array):
        """An array that numba counts no references on: its meminfo field is
        an opaque pointer (null), so binding it, unpacking it from a tuple or
        passing it to a kernel emits no ``NRT_incref``/``NRT_decref`` at all.
        Its views (a row, a reshape) are ordinary arrays sharing the null
        meminfo, whose counts are calls that return at once."""

        def __init__(
            self, dtype: Any, ndim: int, layout: Any, readonly: bool = False, aligned: bool = True
        ) -> None:
            super().__init__(
                dtype,
                ndim,
                layout,
                readonly=readonly,
                aligned=aligned,
                name=f"borrowed({dtype}, {ndim}d, {layout})",
            )

    @register_model(Borrowed)
    class _BorrowedModel(models.StructModel):
        # numba's array layout, with the meminfo as an untracked pointer
        def __init__(self, dmm: Any, fe_type: Any) -> None:
            members = [
                ("meminfo", types.voidptr),
                ("parent", types.pyobject),
                ("nitems", types.intp),
                ("itemsize", types.intp),
                ("data", types.CPointer(fe_type.dtype)),
                ("shape", types.UniTuple(types.intp, fe_type.ndim)),
                ("strides", types.UniTuple(types.intp, fe_type.ndim)),
            ]
            super().__init__(dmm, fe_type, members)

    def _borrowed_type(ty: Any) -> Any:
        if isinstance(ty, types.Array) and not isinstance(ty, Borrowed):
            return Borrowed(ty.dtype, ty.ndim, ty.layout, not ty.mutable, ty.aligned)
        if isinstance(ty, types.NamedTuple):
            return types.NamedTuple([_borrowed_type(t) for t in ty.types], ty.instance_class)
        if isinstance(ty, types.BaseTuple):
            items: Any = ty
            return types.Tuple([_borrowed_type(t) for t in items.types])
        return ty

    def _borrowed(context: Any, builder: Any, ty: Any, value: Any) -> Any:
        kind: Any = ty
        if isinstance(kind, Borrowed):
            return value
        if isinstance(kind, types.Array):
            src = make_array(ty)(context, builder, value=value)
            dst = make_array(_borrowed_type(ty))(context, builder)
            populate_array(
                dst,
                data=src.data,
                shape=src.shape,
                strides=src.strides,
                itemsize=src.itemsize,
                meminfo=None,
            )
            return dst._getvalue()
        if isinstance(kind, types.BaseTuple):
            out = context.get_constant_undef(_borrowed_type(ty))
            for i, item_ty in enumerate(ty.types):
                item = _borrowed(context, builder, item_ty, builder.extract_value(value, i))
                out = builder.insert_value(out, item, i)
            return out
        return value

    @intrinsic
    def _borrow(typingctx: Any, value: Any) -> Any:
        """The same arrays (or tuple of arrays), without their reference count.

        numba counts a reference, with an atomic add and subtract on the
        array's shared count, each time a kernel unpacks an array or takes a
        row: about 560 a simulated year (counted with gdb), a fifth of the
        compiled engine's time, and a cache line that two threads fight over.
        A borrowed array has no count (numba's ``NRT_incref`` returns at once
        on it). Only for arrays that outlive the call: the caller's.
        """

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            return _borrowed(context, builder, value, args[0])

        return _borrowed_type(value)(value), codegen

    borrow: Any = _borrow

    @intrinsic
    def _mulhi(typingctx: Any, a: Any, b: Any) -> Any:
        """The high 64 bits of the 128-bit product of two uint64 (one ``mul``)."""
        sig = types.uint64(types.uint64, types.uint64)

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            from llvmlite import ir

            wide = ir.IntType(128)
            product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
            return builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))

        return sig, codegen

    mulhi: Any = _mulhi

except ImportError:  # pragma: no cover - depends on the installation
    from scipy import special

    ndtri = special.ndtri
    ndtr = special.ndtr

    def jit(f: Any) -> Any:
        return f

    inline = jit
    HAVE_NUMBA = False

    def _no_borrow(value: Any) -> Any:
        return value

    borrow = _no_borrow

    def _py_mulhi(a: Any, b: Any) -> Any:
        import numpy as np

        return np.uint64((int(a) * int(b)) >> 64)

    mulhi = _py_mulhi


@inline
def normal(u: float) -> float:
    """The standard normal quantile of a uniform, clipped as ``engine._normal`` clips it."""
    return ndtri(min(max(u, 1e-12), 1.0 - 1e-12))
