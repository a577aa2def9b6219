"""Image maths the image layers need and ``kerasx.ops.image`` lacks, built on ``kerasx.ops``.

``affine_transform`` samples each output pixel at a projectively transformed input
location (Keras 3's 8-number transform ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps the
output point ``(x, y)`` to ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`` with
``k = c0 x + c1 y + 1``), with nearest or bilinear interpolation and the fill modes of
``scipy.ndimage`` / ``jax.scipy.ndimage.map_coordinates``: out-of-range neighbour
indices are folded back per fill mode (or, for ``constant``, replaced by the fill
value).  Matching that rule makes results equal to Keras 3 on JAX.  These functions
belong in ``kerasx.ops.image`` eventually; they live here until they move.
"""

from __future__ import annotations

from typing import Any

from kerasx import ops

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
INTERPOLATIONS = ("nearest", "bilinear")


def _fix_index(index: Any, size: int, fill_mode: str) -> Any:
    """Fold integer ``index`` into ``[0, size)`` the way ``fill_mode`` extends the image."""
    if fill_mode == "nearest" or fill_mode == "constant":
        return ops.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return ops.mod(index, size)
    if fill_mode == "mirror":
        return _mirror(index, size)
    # reflect: half-sample symmetric (d c b a | a b c d | d c b a)
    return ops.floor_divide(
        ops.subtract(_mirror(ops.add(ops.multiply(index, 2), 1), 2 * size + 1), 1), 2
    )


def _mirror(index: Any, size: int) -> Any:
    """Whole-sample symmetric extension (d c b | a b c d | c b a) as a triangle wave."""
    if size == 1:
        return ops.zeros_like(index)
    period = size - 1
    return ops.abs(ops.subtract(ops.mod(ops.add(index, period), 2 * period), period))


def _round_half_away(x: Any) -> Any:
    return ops.multiply(ops.sign(x), ops.floor(ops.add(ops.abs(x), 0.5)))


def affine_transform(
    images: Any,
    transform: Any,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
    data_format: str = "channels_last",
) -> Any:
    """Apply one transform per image (``transform``: ``(8,)`` or ``(batch, 8)``)."""
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"Invalid value for argument `interpolation`. Expected of one {INTERPOLATIONS}. "
            f"Received: interpolation={interpolation}"
        )
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"Invalid value for argument `fill_mode`. Expected of one {FILL_MODES}. "
            f"Received: fill_mode={fill_mode}"
        )
    images = ops.convert_to_tensor(images)
    rank = len(ops.shape(images))
    if rank not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            f"Received input with shape: images.shape={tuple(ops.shape(images))}"
        )
    if rank == 3:
        images = ops.expand_dims(images, 0)
    transform = ops.cast(ops.convert_to_tensor(transform), "float32")
    if len(ops.shape(transform)) == 1:
        transform = ops.expand_dims(transform, 0)
    if data_format == "channels_first":
        images = ops.transpose(images, (0, 2, 3, 1))
    in_dtype = ops.dtype(images)
    batch, height, width, channels = (int(d) for d in ops.shape(images))
    if int(ops.shape(transform)[0]) == 1 and batch > 1:
        transform = ops.tile(transform, (batch, 1))

    # Output pixel grid, (1, H, W) each.
    ys = ops.reshape(ops.arange(height, dtype="float32"), (1, height, 1))
    xs = ops.reshape(ops.arange(width, dtype="float32"), (1, 1, width))

    def coef(i: int) -> Any:
        return ops.reshape(transform[:, i], (batch, 1, 1))

    k = ops.add(ops.add(ops.multiply(coef(6), xs), ops.multiply(coef(7), ys)), 1.0)
    x_in = ops.divide(
        ops.add(ops.add(ops.multiply(coef(0), xs), ops.multiply(coef(1), ys)), coef(2)), k
    )
    y_in = ops.divide(
        ops.add(ops.add(ops.multiply(coef(3), xs), ops.multiply(coef(4), ys)), coef(5)), k
    )

    if interpolation == "nearest":
        y_nodes = [(ops.cast(_round_half_away(y_in), "int32"), None)]
        x_nodes = [(ops.cast(_round_half_away(x_in), "int32"), None)]
    else:
        y0, x0 = ops.floor(y_in), ops.floor(x_in)
        wy, wx = ops.subtract(y_in, y0), ops.subtract(x_in, x0)
        y0i, x0i = ops.cast(y0, "int32"), ops.cast(x0, "int32")
        y_nodes = [(y0i, ops.subtract(1.0, wy)), (ops.add(y0i, 1), wy)]
        x_nodes = [(x0i, ops.subtract(1.0, wx)), (ops.add(x0i, 1), wx)]

    flat = ops.reshape(ops.cast(images, "float32"), (batch * height * width, channels))
    base = ops.reshape(
        ops.multiply(ops.arange(batch, dtype="int32"), height * width), (batch, 1, 1)
    )
    out = None
    for iy, wgt_y in y_nodes:
        for ix, wgt_x in x_nodes:
            fy = _fix_index(iy, height, fill_mode)
            fx = _fix_index(ix, width, fill_mode)
            idx = ops.reshape(ops.add(base, ops.add(ops.multiply(fy, width), fx)), (-1,))
            vals = ops.reshape(ops.take(flat, idx, axis=0), (batch, height, width, channels))
            if fill_mode == "constant":
                valid = ops.logical_and(
                    ops.logical_and(ops.greater_equal(iy, 0), ops.less(iy, height)),
                    ops.logical_and(ops.greater_equal(ix, 0), ops.less(ix, width)),
                )
                vals = ops.where(ops.expand_dims(valid, -1), vals, float(fill_value))
            if wgt_y is not None:
                vals = ops.multiply(vals, ops.expand_dims(ops.multiply(wgt_y, wgt_x), -1))
            out = vals if out is None else ops.add(out, vals)
    if in_dtype.startswith(("int", "uint")):
        out = _round_half_away(out)
    out = ops.cast(out, in_dtype)
    if data_format == "channels_first":
        out = ops.transpose(out, (0, 3, 1, 2))
    if rank == 3:
        out = ops.squeeze(out, 0)
    return out


def crop(images: Any, top: int, left: int, height: int, width: int, data_format: str) -> Any:
    """The ``height x width`` window at ``(top, left)`` of 3-D or 4-D images."""
    shape = tuple(int(d) for d in ops.shape(images))
    rank = len(shape)
    h_axis = rank - 3 if data_format == "channels_last" else rank - 2
    start = [0] * rank
    size = list(shape)
    start[h_axis], start[h_axis + 1] = int(top), int(left)
    size[h_axis], size[h_axis + 1] = int(height), int(width)
    return ops.slice(images, start, size)


def spatial_dims(shape: Any, data_format: str) -> tuple[Any, Any]:
    """``(height, width)`` of a 3-D or 4-D image shape."""
    if data_format == "channels_last":
        return shape[-3], shape[-2]
    return shape[-2], shape[-1]


def aspect_crop_box(height: int, width: int, target_h: int, target_w: int) -> tuple[int, ...]:
    """``(top, left, crop_h, crop_w)``: the centred window with the target aspect ratio."""
    crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
    crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


def pad_to_aspect(
    images: Any, target_h: int, target_w: int, fill_value: float, data_format: str
) -> Any:
    """Pad equally on both sides (height or width) up to the target aspect ratio."""
    shape = tuple(int(d) for d in ops.shape(images))
    height, width = spatial_dims(shape, data_format)
    pad_h = max(height, int(float(width * target_h) / target_w))
    pad_w = max(width, int(float(height * target_w) / target_h))
    top = int(float(pad_h - height) / 2)
    left = int(float(pad_w - width) / 2)
    if top == 0 and left == 0:
        return images
    rank = len(shape)
    h_axis = rank - 3 if data_format == "channels_last" else rank - 2
    widths = [[0, 0] for _ in range(rank)]
    widths[h_axis] = [top, top]
    widths[h_axis + 1] = [left, left]
    return ops.pad(images, widths, mode="constant", constant_values=fill_value)


def smart_resize(images: Any, size: tuple[int, int], data_format: str) -> Any:
    """Centre-crop to the target aspect ratio, then resize bilinearly (Keras' rule)."""
    shape = tuple(int(d) for d in ops.shape(images))
    height, width = spatial_dims(shape, data_format)
    top, left, ch, cw = aspect_crop_box(height, width, size[0], size[1])
    images = crop(images, top, left, ch, cw, data_format)
    return ops.image.resize(images, size, interpolation="bilinear", data_format=data_format)
