"""Compiled loops (numba) for the per-character and per-shingle work of fingerprinting.

Why: after vectorizing, what was left per text was numpy's passes over temporary arrays
(a few dozen per batch, each over every code point or shingle). One compiled pass does
the same arithmetic with nothing in between. Each kernel computes exactly what its numpy
reference in ``fingerprint`` computes (tests compare them on random text), so hashes,
signatures and reports do not depend on which one ran.

Compiled on first use and cached next to this file (numba's ``cache=True``); the module
is imported only when a run has a batch big enough to pay for loading it
(``fingerprint.COMPILED_MIN_TEXTS``), so small runs never pay for numba.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba as nb
import numpy as np


def compile_kernel(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` compiled on first use, the machine code cached on disk for later runs; where no
    cache location is writable (a read-only install and no home directory) it is compiled
    in each process instead (~4 s) rather than failing. Public so a test can compile a function
    of its own under a cache-less numba: the kernels themselves are compiled once a process."""
    try:
        return nb.njit(cache=True, nogil=True)(func)
    except RuntimeError:  # numba: "cannot cache function ...: no locator available"
        return nb.njit(nogil=True)(func)


_UNFOLDED = np.uint32(0xFFFFFFFF)  # in a fold table: this code point needs Python's casefold
# The hash constants are written out here, not imported from ``fingerprint``: numba's disk
# cache is invalidated only by changes to this file, so a constant changed elsewhere would
# leave stale machine code. Tests compare every kernel with its numpy reference.


@nb.njit(inline="always")
def _mix64(h: np.uint64) -> np.uint64:
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


@nb.njit(inline="always")
def _fmix32(h: np.uint32) -> np.uint32:
    h ^= h >> np.uint32(16)
    h = np.uint32(h * np.uint32(0x85EBCA6B))
    h ^= h >> np.uint32(13)
    h = np.uint32(h * np.uint32(0xC2B2AE35))
    return h ^ (h >> np.uint32(16))


_EXPANDS = np.uint32(0x80000000)  # ``fingerprint.EXPANDS``: the code point folds to an expansion


@compile_kernel
def fold_codes(
    codes: np.ndarray, table: np.ndarray, starts: np.ndarray, expanded: np.ndarray, texts: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Code points of ``texts`` texts joined by U+0000, each mapped through ``table`` (the
    casefold and quote/dash unification of one code point, or ``_EXPANDS | i``: the code points
    ``expanded[starts[i]:starts[i + 1]]``, see ``fingerprint.fold_table``); which texts hold a
    code point the table does not map (``_UNFOLDED``: Python folds those); where each text
    starts in ``codes`` and in the result (one more: past the end, as if a separator
    followed the last text)."""
    size = table.shape[0]
    length = 0
    for i in range(codes.shape[0]):  # the result's length first
        c = codes[i]
        if c < size and table[c] != _UNFOLDED and table[c] & _EXPANDS:
            at = table[c] & ~_EXPANDS
            length += starts[at + 1] - starts[at]
        else:
            length += 1
    out = np.empty(length, dtype=codes.dtype)
    unfolded = np.zeros(texts, dtype=np.bool_)
    bounds = np.empty(texts + 1, dtype=np.int64)
    out_bounds = np.empty(texts + 1, dtype=np.int64)
    bounds[0] = 0
    out_bounds[0] = 0
    text = 0
    j = 0
    for i in range(codes.shape[0]):
        c = codes[i]
        if c == 0:
            text += 1
            if text >= texts:
                raise ValueError("more U+0000 separators than texts")
            bounds[text] = i + 1
            out_bounds[text] = j + 1
            out[j] = c
            j += 1
        elif c < size and table[c] != _UNFOLDED:
            v = table[c]
            if v & _EXPANDS:
                at = v & ~_EXPANDS
                for k in range(starts[at], starts[at + 1]):
                    out[j] = expanded[k]
                    j += 1
            else:
                out[j] = v
                j += 1
        else:
            unfolded[text] = True
            out[j] = c
            j += 1
    bounds[texts] = codes.shape[0] + 1
    out_bounds[texts] = length + 1
    return out, unfolded, bounds, out_bounds


@compile_kernel
def scan_tokens(codes: np.ndarray, word: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``fingerprint.scan_tokens`` in one pass: the same token starts and hashes, and the
    number of tokens of each text (texts are separated by U+0000)."""
    n = codes.shape[0]
    starts = np.empty(n // 2 + 1, dtype=np.int64)
    hashes = np.empty(n // 2 + 1, dtype=np.uint64)
    texts = 1
    for i in range(n):
        texts += codes[i] == 0
    words = np.zeros(texts, dtype=np.int64)
    text = 0
    found = 0
    i = 0
    while i < n:
        if not word[codes[i]]:
            text += codes[i] == 0
            i += 1
            continue
        start = i
        total = np.uint64(0)
        length = np.uint64(0)
        while i < n:
            c = codes[i]
            inner_apostrophe = c == 39 and i + 1 < n and word[codes[i - 1]] and word[codes[i + 1]]
            if not (word[c] or inner_apostrophe):
                break
            total += _mix64((np.uint64(c) << np.uint64(32)) ^ length)
            length += np.uint64(1)
            i += 1
        starts[found] = start
        hashes[found] = _mix64(total + length * np.uint64(0x9E3779B97F4A7C15))
        found += 1
        words[text] += 1
    return starts[:found].copy(), hashes[:found].copy(), words


@compile_kernel
def content_hashes(hashes: np.ndarray, starts: np.ndarray, words: np.ndarray) -> np.ndarray:
    """``fingerprint._content_hashes``: one hash per text of its token sequence."""
    out = np.empty(words.shape[0], dtype=np.uint64)
    for t in range(words.shape[0]):
        total = np.uint64(0)
        for p in range(words[t]):
            total += _mix64(hashes[starts[t] + p] ^ (np.uint64(p) * np.uint64(0x9E3779B97F4A7C15)))
        out[t] = _mix64(total + np.uint64(words[t]) * np.uint64(0xC4CEB9FE1A85EC53))
    return out


@nb.njit(inline="always")
def _sort_small(values: np.ndarray) -> None:
    """Insertion sort up to 32 values (most paragraphs), numpy's sort above."""
    if values.shape[0] > 32:
        values.sort()
        return
    for i in range(1, values.shape[0]):
        v = values[i]
        j = i - 1
        while j >= 0 and values[j] > v:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = v


@compile_kernel
def shingle_values(
    hashes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, k: int, sorted_below: int
) -> tuple[np.ndarray, np.ndarray]:
    """``fingerprint._shingle_values``: the shingle hashes of token spans, flat, with offsets;
    spans before ``sorted_below`` sorted and unique, later ones in token order."""
    spans = lengths.shape[0]
    total = 0
    for s in range(spans):
        if lengths[s] > 0:
            total += lengths[s] - min(lengths[s], k) + 1
    values = np.empty(total, dtype=np.uint64)
    offsets = np.zeros(spans + 1, dtype=np.int64)
    at = 0
    for s in range(spans):
        length = lengths[s]
        first = at
        if length > 0:
            width = min(length, k)
            for p in range(starts[s], starts[s] + length - width + 1):
                acc = hashes[p]
                for j in range(1, width):
                    acc = acc * np.uint64(0x9E3779B97F4A7C15) + hashes[p + j]
                values[at] = _mix64(acc + np.uint64(width))
                at += 1
            if s < sorted_below and at - first > 1:
                _sort_small(values[first:at])
                kept = first + 1
                for j in range(first + 1, at):
                    if values[j] != values[kept - 1]:
                        values[kept] = values[j]
                        kept += 1
                at = kept
        offsets[s + 1] = at
    return values[:at].copy(), offsets


@compile_kernel
def signatures_of(values: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``fingerprint.signatures_of``: datasketch's affine32 MinHash of each set
    ``values[offsets[i]:offsets[i + 1]]`` (top 32 bits of each value, murmur-finalized)."""
    count = offsets.shape[0] - 1
    num_perm = a.shape[0]
    out = np.empty((count, num_perm), dtype=np.uint32)
    row = np.empty(num_perm, dtype=np.uint32)
    for t in range(count):
        row[:] = np.uint32(0xFFFFFFFF)
        for j in range(offsets[t], offsets[t + 1]):
            x = _fmix32(np.uint32(values[j] >> np.uint64(32)))
            for i in range(num_perm):
                row[i] = min(row[i], np.uint32(a[i] * x + b[i]))  # wraps: the modulo 2**32
        out[t, :] = row
    return out
