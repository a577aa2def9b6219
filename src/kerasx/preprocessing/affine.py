"""Geometric and colour transforms of one image for the legacy ``ImageDataGenerator``.

Keras 2 warped images with ``scipy.ndimage.affine_transform``.  kerasx does the same
resampling in NumPy (nearest and bilinear, modes ``nearest``/``constant``/``reflect``/
``wrap``, with SciPy's exact edge rules) so augmentation needs neither SciPy nor
TensorFlow, and seeded pipelines give the same pixels as Keras.  Spline orders above 1
fall back to SciPy when it is installed.
"""

from __future__ import annotations

import numpy as np

from kerasx.saving.registry import keras_export

_FILL_MODES = ("nearest", "constant", "reflect", "wrap")


def _fold_coordinates(coords: np.ndarray, n: int, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Bring sample coordinates outside ``[0, n-1]`` back inside, as SciPy does.

    Returns the folded coordinates and a mask that is False where ``constant`` mode must
    write ``cval`` instead of interpolating.
    """
    valid = np.ones(coords.shape, dtype=bool)
    if n <= 1:
        return np.zeros_like(coords), valid
    below, above = coords < 0, coords > n - 1
    if mode == "nearest":
        coords = np.clip(coords, 0, n - 1)
    elif mode == "constant":
        valid = ~(below | above)
    elif mode == "wrap":
        # SciPy's "wrap" repeats with period n - 1 (first and last samples coincide).
        period = n - 1
        coords = coords.copy()
        low = coords[below]
        coords[below] = low + period * (np.trunc(-low / period) + 1)
        high = coords[above]
        coords[above] = high - period * np.trunc(high / period)
    # "reflect" needs no folding: the neighbour indices are reflected instead.
    return coords, valid


def _fold_indices(idx: np.ndarray, n: int, mode: str) -> np.ndarray:
    """Map integer neighbour indices into ``[0, n)``: half-sample symmetric for
    ``reflect``, whole-sample mirror otherwise (SciPy's rule at the borders)."""
    if n <= 1:
        return np.zeros_like(idx)
    if mode == "reflect":
        period = 2 * n
        idx = np.mod(idx, period)
        return np.where(idx >= n, period - 1 - idx, idx)
    period = 2 * n - 2
    idx = np.abs(idx)  # mirror about 0 (no repeated edge sample)
    idx = np.mod(idx, period)
    return np.where(idx >= n, period - idx, idx)


def _warp_channel(
    img: np.ndarray, matrix: np.ndarray, offset: np.ndarray, order: int, mode: str, cval: float
) -> np.ndarray:
    """Output pixel ``p`` takes the input value at ``matrix @ p + offset``."""
    h, w = img.shape
    rows, cols = np.meshgrid(
        np.arange(h, dtype="float64"), np.arange(w, dtype="float64"), indexing="ij"
    )
    src_r = matrix[0, 0] * rows + matrix[0, 1] * cols + offset[0]
    src_c = matrix[1, 0] * rows + matrix[1, 1] * cols + offset[1]
    src_r, valid_r = _fold_coordinates(src_r, h, mode)
    src_c, valid_c = _fold_coordinates(src_c, w, mode)
    if order == 0:
        r = _fold_indices(np.floor(src_r + 0.5).astype(np.int64), h, mode)
        c = _fold_indices(np.floor(src_c + 0.5).astype(np.int64), w, mode)
        out = img[r, c].astype("float64")
    else:
        r0 = np.floor(src_r).astype(np.int64)
        c0 = np.floor(src_c).astype(np.int64)
        fr, fc = src_r - r0, src_c - c0
        r1, c1 = _fold_indices(r0 + 1, h, mode), _fold_indices(c0 + 1, w, mode)
        r0, c0 = _fold_indices(r0, h, mode), _fold_indices(c0, w, mode)
        top = (1 - fc) * img[r0, c0] + fc * img[r0, c1]
        bottom = (1 - fc) * img[r1, c0] + fc * img[r1, c1]
        out = (1 - fr) * top + fr * bottom
    out = np.where(valid_r & valid_c, out, cval)
    if np.issubdtype(img.dtype, np.integer):
        out = np.rint(out)
    return out.astype(img.dtype)


def _scipy_warp(
    img: np.ndarray, matrix: np.ndarray, offset: np.ndarray, order: int, mode: str, cval: float
) -> np.ndarray:
    try:
        from scipy import ndimage
    except ImportError as err:
        raise ImportError(
            f"`interpolation_order={order}` needs SciPy (`pip install scipy`); kerasx "
            "resamples orders 0 and 1 by itself."
        ) from err
    return ndimage.affine_transform(img, matrix, offset, order=order, mode=mode, cval=cval)


def transform_matrix_offset_center(matrix: np.ndarray, x: float, y: float) -> np.ndarray:
    """Conjugate a 3x3 homogeneous transform so it acts about the image centre."""
    cx, cy = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    to_centre = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]])
    from_centre = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]])
    return to_centre @ matrix @ from_centre


@keras_export("keras.preprocessing.image.apply_affine_transform")
def apply_affine_transform(
    x: np.ndarray,
    theta: float = 0,
    tx: float = 0,
    ty: float = 0,
    shear: float = 0,
    zx: float = 1,
    zy: float = 1,
    row_axis: int = 1,
    col_axis: int = 2,
    channel_axis: int = 0,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    order: int = 1,
) -> np.ndarray:
    """Rotate (degrees), shift (pixels), shear (degrees) and zoom one rank-3 image about
    its centre; pixels sampled from outside are filled per ``fill_mode``.

    As in Keras, ``tx`` moves content along the width and ``ty`` along the height when
    rows come before columns (output pixel ``(i, j)`` reads input ``(i + ty, j + tx)``).
    """
    if len({row_axis, col_axis, channel_axis}) != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    if {row_axis, col_axis, channel_axis} != {0, 1, 2}:
        raise ValueError(
            f"Invalid axis' indices: { {row_axis, col_axis, channel_axis} - {0, 1, 2} }"
        )
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"Unknown `fill_mode` {fill_mode!r}; expected one of {_FILL_MODES}.")
    parts = []
    if theta != 0:
        t = np.deg2rad(theta)
        parts.append(np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]]))
    if tx != 0 or ty != 0:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        parts.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if not parts:
        return x
    matrix = parts[0]
    for part in parts[1:]:
        matrix = matrix @ part
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    if col_axis > row_axis:
        # The maths above is in (x, y) order; arrays index (row, col): swap both axes.
        matrix = matrix[[1, 0, 2]][:, [1, 0, 2]]
    linear, offset = matrix[:2, :2], matrix[:2, 2]
    warp = _warp_channel if order in (0, 1) else _scipy_warp
    channels = np.moveaxis(x, channel_axis, 0)
    out = np.stack([warp(ch, linear, offset, order, fill_mode, cval) for ch in channels])
    return np.moveaxis(out, 0, channel_axis)


def flip_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """Mirror ``x`` along ``axis`` (a copy, not a view)."""
    return np.flip(x, axis).copy()


def _random_warp(
    x: np.ndarray,
    row_axis: int,
    col_axis: int,
    channel_axis: int,
    fill_mode: str,
    cval: float,
    interpolation_order: int,
    **params: float,
) -> np.ndarray:
    """Warp ``x`` by the drawn transform ``params`` (``theta``, ``tx``/``ty``, ``shear``,
    ``zx``/``zy``).

    The four ``random_*`` geometric helpers differ only in what they draw; they share
    the axis, fill and interpolation settings, which pass through here unchanged to
    :func:`apply_affine_transform` (``interpolation_order`` becomes its ``order``).
    """
    return apply_affine_transform(
        x,
        **params,
        row_axis=row_axis,
        col_axis=col_axis,
        channel_axis=channel_axis,
        fill_mode=fill_mode,
        cval=cval,
        order=interpolation_order,
    )


@keras_export("keras.preprocessing.image.random_rotation")
def random_rotation(
    x: np.ndarray,
    rg: float,
    row_axis: int = 1,
    col_axis: int = 2,
    channel_axis: int = 0,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    interpolation_order: int = 1,
) -> np.ndarray:
    """Rotate by a uniform angle in ``[-rg, rg]`` degrees (NumPy's global RNG)."""
    theta = np.random.uniform(-rg, rg)
    return _random_warp(
        x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order, theta=theta
    )


@keras_export("keras.preprocessing.image.random_shift")
def random_shift(
    x: np.ndarray,
    wrg: float,
    hrg: float,
    row_axis: int = 1,
    col_axis: int = 2,
    channel_axis: int = 0,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    interpolation_order: int = 1,
) -> np.ndarray:
    """Shift by uniform fractions of the height (``hrg``) and width (``wrg``)."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    # As in Keras 2: ``tx`` (applied along the width) scales with the height, and the
    # other way round; the pairing is kept so seeded pipelines give the same pixels.
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return _random_warp(
        x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order, tx=tx, ty=ty
    )


@keras_export("keras.preprocessing.image.random_shear")
def random_shear(
    x: np.ndarray,
    intensity: float,
    row_axis: int = 1,
    col_axis: int = 2,
    channel_axis: int = 0,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    interpolation_order: int = 1,
) -> np.ndarray:
    """Shear by a uniform angle in ``[-intensity, intensity]`` degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return _random_warp(
        x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order, shear=shear
    )


@keras_export("keras.preprocessing.image.random_zoom")
def random_zoom(
    x: np.ndarray,
    zoom_range: tuple[float, float],
    row_axis: int = 1,
    col_axis: int = 2,
    channel_axis: int = 0,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    interpolation_order: int = 1,
) -> np.ndarray:
    """Zoom rows and columns by independent uniform factors from ``zoom_range``
    (factors below 1 enlarge the content)."""
    if len(zoom_range) != 2:
        raise ValueError(
            f"`zoom_range` should be a tuple or list of two floats. Received: {zoom_range}"
        )
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1.0, 1.0  # no draw, so the global RNG stream stays as in Keras 2
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return _random_warp(
        x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order, zx=zx, zy=zy
    )


@keras_export("keras.preprocessing.image.apply_channel_shift")
def apply_channel_shift(x: np.ndarray, intensity: float, channel_axis: int = 0) -> np.ndarray:
    """Add ``intensity`` to every channel, clipped to the image's original value range."""
    lo, hi = np.min(x), np.max(x)
    return np.clip(x + intensity, lo, hi).astype(
        np.result_type(x, np.float32) if x.dtype.kind != "f" else x.dtype
    )


@keras_export("keras.preprocessing.image.random_channel_shift")
def random_channel_shift(
    x: np.ndarray, intensity_range: float, channel_axis: int = 0
) -> np.ndarray:
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


@keras_export("keras.preprocessing.image.apply_brightness_shift")
def apply_brightness_shift(x: np.ndarray, brightness: float, scale: bool = True) -> np.ndarray:
    """Multiply brightness by ``brightness`` the way Keras 2 did through Pillow.

    Keras quantised the image to 8 bits, scaled it (``ImageEnhance.Brightness``) and
    read it back; values are reproduced here in NumPy, so the result is whole numbers in
    ``[0, 255]`` unless ``scale=False`` and the input lay outside that range (then it is
    mapped back to the input's range).
    """
    arr = np.asarray(x, dtype="float32")
    lo, hi = float(np.min(arr)), float(np.max(arr))
    out_of_byte_range = lo < 0 or hi > 255
    if scale or out_of_byte_range:
        arr = arr - lo
        if hi - lo != 0:
            arr = arr / (hi - lo)
        arr = arr * 255
    if arr.ndim != 3 or arr.shape[-1] not in (1, 3, 4):
        # Pillow only knows L/RGB/RGBA; mirror the error Keras would raise.
        raise ValueError(
            f"Unsupported channel number: {arr.shape[-1] if arr.ndim == 3 else arr.shape}"
        )
    as_bytes = arr.astype("uint8").astype("float64")
    # Pillow blends with black in float and truncates to 0..255.
    out = np.clip(np.trunc(as_bytes * float(brightness)), 0, 255).astype("float32")
    if not scale and out_of_byte_range:
        out = out / 255 * (hi - lo) + lo
    return out


@keras_export("keras.preprocessing.image.random_brightness")
def random_brightness(
    x: np.ndarray, brightness_range: tuple[float, float], scale: bool = True
) -> np.ndarray:
    if len(brightness_range) != 2:
        raise ValueError(
            f"`brightness_range should be tuple or list of two floats. Received: {brightness_range}"
        )
    factor = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, factor, scale)
