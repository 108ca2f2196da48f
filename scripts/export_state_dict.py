#!/usr/bin/env python3
"""Convert a PyTorch checkpoint (.pt/.pth) into an xlatorch checkpoint (.xlt).

    python3 scripts/export_state_dict.py model.pt model.xlt

Then, in TypeScript: `model.load_state_dict(torch.load("model.xlt"))`.

The input is read with torch.load(..., map_location="cpu", weights_only=True)
where PyTorch supports it. Whatever it holds is converted: tensors (float32/64,
float16, bfloat16, int8, uint8, int16, int32, int64, bool), dicts (string keys
become plain objects, others a Map), lists and tuples (arrays), numbers,
strings, booleans and None; dicts with int keys (an optimizer's state) become
plain objects with those keys as strings, as JavaScript has them. An nn.Module is replaced by its state_dict().
Tensors that are the same memory (tied weights) are written once.

Needs only PyTorch: the FlatBuffer of packages/xlatorch/src/serialization/
checkpoint.fbs is written by the small builder below, the Python twin of
format.ts's writer.
"""
import argparse
import struct
import sys
import zlib

FILE_IDENTIFIER = b"XLTC"
FORMAT_VERSION = 1
DTYPES = ["float32", "float64", "float16", "bfloat16", "int8", "uint8", "int16", "int32", "int64", "bool"]
KIND = dict(None_=0, Undefined=1, Bool=2, Number=3, BigInt=4, String=5, List=6, Dict=7, Map=8, Tensor=9, DType=10, Device=11)


class Builder:
    """A FlatBuffer written back to front, as flatbuffers' own builders do.
    Objects are named by their distance from the end of the buffer."""

    def __init__(self):
        self.chunks, self.size, self.minalign, self.fields = [], 0, 1, {}

    def _put(self, b):
        self.chunks.append(bytes(b))
        self.size += len(b)

    def prep(self, align, additional):
        """Pad so that `align` holds after `additional` more bytes."""
        self.minalign = max(self.minalign, align)
        pad = -(self.size + additional) % align
        if pad:
            self._put(b"\0" * pad)

    def vector(self, elem_size, payload, n, align=None):
        self.prep(4, len(payload))
        self.prep(align or elem_size, len(payload))
        self._put(payload)
        self._put(struct.pack("<I", n))
        return self.size

    def bytes(self, data):
        return self.vector(1, data, len(data), align=16)

    def string(self, s):
        b = s.encode("utf-8")
        self.prep(4, len(b) + 1)
        self._put(b + b"\0")
        self._put(struct.pack("<I", len(b)))
        return self.size

    def scalars(self, fmt, xs):
        return self.vector(struct.calcsize(fmt), struct.pack("<%d%s" % (len(xs), fmt), *xs), len(xs))

    def offsets(self, targets):
        n = len(targets)
        self.prep(4, 4 * n)
        end = self.size + 4 * n  # where element 0 will start, counted from the end
        self._put(b"".join(struct.pack("<I", end - 4 * i - t) for i, t in enumerate(targets)))
        self._put(struct.pack("<I", n))
        return self.size

    def table(self, fields):
        """fields: (slot, struct format, value); format "O" is an offset to an object.
        Leaves each field's position (counted from the end) in self.fields."""
        start = self.size
        where = self.fields = {}
        for slot, fmt, value in sorted(fields, key=lambda f: -struct.calcsize("I" if f[1] == "O" else f[1])):
            size = struct.calcsize("I" if fmt == "O" else fmt)
            self.prep(size, 0)
            if fmt == "O":
                self._put(struct.pack("<I", self.size + 4 - value))
            else:
                self._put(struct.pack("<" + fmt, value))
            where[slot] = self.size
        self.prep(4, 4)
        pos = self.size + 4  # the table starts with its soffset to the vtable
        nslots = max(where, default=-1) + 1
        vtable = struct.pack("<HH", 4 + 2 * nslots, pos - start)
        vtable += b"".join(struct.pack("<H", pos - where[s] if s in where else 0) for s in range(nslots))
        self._put(struct.pack("<i", len(vtable)))  # the vtable sits just before the table
        self._put(vtable)
        return pos

    def finish(self, root):
        self.prep(self.minalign, 8)
        self._put(FILE_IDENTIFIER)
        self._put(struct.pack("<I", self.size + 4 - root))
        return b"".join(reversed(self.chunks))


def convert(obj):
    """Flatten a PyTorch object graph into (root, values, storages) as checkpoint.fbs describes."""
    import torch

    dtype_names = {
        torch.float32: "float32", torch.float64: "float64", torch.float16: "float16", torch.bfloat16: "bfloat16",
        torch.int8: "int8", torch.uint8: "uint8", torch.int16: "int16", torch.int32: "int32", torch.int64: "int64",
        torch.bool: "bool",
    }
    values, storages, memo, storage_of = [], [], {}, {}
    keep = []  # objects made here (a module's state_dict) stay alive, so their id()s stay unique

    def tensor_bytes(t):
        t = t.detach().cpu().contiguous()
        if t.dtype == torch.bfloat16:  # numpy has no bfloat16: its bits as int16
            t = t.view(torch.int16)
        return t.numpy().tobytes()

    def intern(v, path):
        if isinstance(v, torch.nn.Module):
            v = v.state_dict()
            keep.append(v)
        shared = not isinstance(v, (bool, int, float, str, type(None)))  # objects, written once however often met
        key = id(v)
        if shared and key in memo:
            return memo[key]
        i = len(values)
        if v is None:
            values.append(dict(kind=KIND["None_"]))
        elif isinstance(v, bool):
            values.append(dict(kind=KIND["Bool"], flag=v))
        elif isinstance(v, int):
            # JavaScript numbers hold integers exactly up to 2^53; larger ones become bigints
            values.append(dict(kind=KIND["Number"], number=float(v)) if abs(v) <= 2 ** 53 else dict(kind=KIND["BigInt"], text=str(v)))
        elif isinstance(v, float):
            values.append(dict(kind=KIND["Number"], number=v))
        elif isinstance(v, str):
            values.append(dict(kind=KIND["String"], text=v))
        elif isinstance(v, torch.dtype) and v in dtype_names:
            values.append(dict(kind=KIND["DType"], text=dtype_names[v]))
        elif isinstance(v, torch.Tensor):
            if v.dtype not in dtype_names:
                raise TypeError("%s: xlatorch has no dtype %s" % (path, v.dtype))
            # tensors viewing the same memory with the same layout share a storage
            skey = (v.data_ptr(), v.dtype, tuple(v.shape), tuple(v.stride()))
            if skey not in storage_of or v.numel() == 0:
                storage_of[skey] = len(storages)
                storages.append((dtype_names[v.dtype], tensor_bytes(v)))
            contiguous = [1] * v.dim()
            for d in range(v.dim() - 2, -1, -1):
                contiguous[d] = contiguous[d + 1] * max(v.shape[d + 1], 1)
            values.append(dict(kind=KIND["Tensor"], tensor=dict(
                storage=storage_of[skey], shape=list(v.shape), stride=contiguous,
                requires_grad=v.requires_grad, parameter=isinstance(v, torch.nn.Parameter))))
        elif isinstance(v, dict):
            values.append(None)
            memo[key] = i
            # string and int keys make a plain object, as in JavaScript (an optimizer's state is keyed 0, 1, ...)
            if all(isinstance(k, str) or (isinstance(k, int) and not isinstance(k, bool)) for k in v):
                items = [intern(x, "%s[%r]" % (path, k)) for k, x in v.items()]
                values[i] = dict(kind=KIND["Dict"], keys=[str(k) for k in v], items=items)
            else:
                items = []
                for k, x in v.items():
                    items += [intern(k, path + ".keys()"), intern(x, "%s[%r]" % (path, k))]
                values[i] = dict(kind=KIND["Map"], items=items)
        elif isinstance(v, (list, tuple)):
            values.append(None)
            memo[key] = i
            values[i] = dict(kind=KIND["List"], items=[intern(x, "%s[%d]" % (path, n)) for n, x in enumerate(v)])
        else:
            raise TypeError("%s: cannot convert a %s (tensors, dicts, lists, tuples, numbers, strings, booleans and None only)" % (path, type(v).__name__))
        if shared:
            memo[key] = i
        return i

    root = intern(obj, "checkpoint")
    return root, values, storages


def write_checkpoint(root, values, storages):
    """The bytes of an xlatorch checkpoint; the order of writes follows format.ts."""
    if sys.byteorder != "little":
        raise SystemExit("xlatorch checkpoints hold little-endian data; this host is big-endian")
    b = Builder()
    storage_offs = []
    for dtype, data in storages:
        data_off = b.bytes(data)
        storage_offs.append(b.table([(0, "B", DTYPES.index(dtype)), (1, "O", data_off)]))
    value_offs = []
    for v in values:
        fields = [(0, "B", v["kind"])]
        if "flag" in v:
            fields.append((1, "B", int(v["flag"])))
        if "number" in v:
            fields.append((2, "d", v["number"]))
        if "text" in v:
            fields.append((3, "O", b.string(v["text"])))
        if "keys" in v:
            fields.append((4, "O", b.offsets([b.string(k) for k in v["keys"]])))
        if "items" in v:
            fields.append((5, "O", b.scalars("I", v["items"])))
        if "tensor" in v:
            t = v["tensor"]
            shape, stride, device = b.scalars("q", t["shape"]), b.scalars("q", t["stride"]), b.string("cpu")
            fields.append((6, "O", b.table([
                (0, "I", t["storage"]), (1, "Q", 0), (2, "O", shape), (3, "O", stride), (4, "O", device),
                (5, "B", int(t["requires_grad"])), (6, "B", int(t["parameter"]))])))
        value_offs.append(b.table(fields))
    values_vec, storages_vec = b.offsets(value_offs), b.offsets(storage_offs)
    # Checkpoint.crc32 is written as 0, then set to the CRC-32 of the whole file
    ck = b.table([(0, "I", FORMAT_VERSION), (1, "I", root), (2, "O", values_vec), (3, "O", storages_vec), (4, "I", 0)])
    crc_from_end = b.fields[4]
    out = bytearray(b.finish(ck))
    struct.pack_into("<I", out, len(out) - crc_from_end, zlib.crc32(out) & 0xFFFFFFFF)
    return bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="a PyTorch checkpoint (torch.save output)")
    ap.add_argument("output", help="the xlatorch checkpoint to write (.xlt)")
    ap.add_argument("--key", help="convert only checkpoint[KEY] (e.g. state_dict, model)")
    ap.add_argument("--unsafe", action="store_true", help="load with weights_only=False (runs the checkpoint's pickle code: trusted files only)")
    args = ap.parse_args()
    import torch

    import pickle

    try:
        obj = torch.load(args.input, map_location="cpu", weights_only=not args.unsafe)
    except TypeError:  # PyTorch before 1.13 has no weights_only
        obj = torch.load(args.input, map_location="cpu")
    except pickle.UnpicklingError as e:
        raise SystemExit("%s\n\nIf you trust %s, rerun with --unsafe." % (e, args.input))
    if args.key:
        obj = obj[args.key]
    data = write_checkpoint(*convert(obj))
    with open(args.output, "wb") as f:
        f.write(data)
    print("wrote %s (%d bytes)" % (args.output, len(data)))


if __name__ == "__main__":
    main()
