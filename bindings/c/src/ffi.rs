//! Reading the C caller's arguments and writing its outputs. Every check here
//! is about memory and encoding (NULL, lengths, UTF-8, buffer sizes), never
//! about userhash's rules, which stay in the core.

use std::ffi::c_char;
use std::{ptr, slice, str};

use crate::status::Failure;

fn invalid(message: String) -> Failure {
    Failure::InvalidArgument(message)
}

/// `len` bytes at `ptr`, which must not be NULL.
///
/// # Safety
/// `ptr` must point to `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return Err(invalid(format!("{what} is NULL (pass \"\" with length 0 for an empty value)")));
    }
    if len > isize::MAX as usize {
        return Err(invalid(format!("{what}'s length {len} is larger than any object in memory")));
    }
    Ok(slice::from_raw_parts(ptr.cast::<u8>(), len))
}

/// `len` bytes at `ptr` as UTF-8 text.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a str, Failure> {
    let raw = bytes(ptr, len, what)?;
    str::from_utf8(raw).map_err(|e| invalid(format!("{what} is not valid UTF-8 (at byte {})", e.valid_up_to())))
}

/// `len` items at `ptr`; NULL is allowed only when `len` is 0.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` initialized items that outlive `'a`.
pub(crate) unsafe fn items<'a, T>(ptr: *const T, len: usize, what: &str) -> Result<&'a [T], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(invalid(format!("{what} is NULL but its count is {len}")));
    }
    if len.checked_mul(size_of::<T>()).is_none_or(|n| n > isize::MAX as usize) {
        return Err(invalid(format!("{what}'s count {len} is larger than any array in memory")));
    }
    Ok(slice::from_raw_parts(ptr, len))
}

/// The object behind a handle or an output pointer, which must not be NULL.
///
/// # Safety
/// A non-NULL `ptr` must be valid for reads and writes for `'a`.
pub(crate) unsafe fn target<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    ptr.as_mut().ok_or_else(|| invalid(format!("{what} is NULL")))
}

/// Like [`target`], read-only.
///
/// # Safety
/// A non-NULL `ptr` must be valid for reads for `'a`.
pub(crate) unsafe fn source<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Failure> {
    ptr.as_ref().ok_or_else(|| invalid(format!("{what} is NULL")))
}

/// A caller's text buffer: not NULL and at least `needed` bytes long. It is
/// emptied at once, so it holds "" whenever the call fails.
///
/// # Safety
/// A non-NULL `out` must point to `out_len` writable bytes.
pub(crate) unsafe fn text_buffer<'a>(
    out: *mut c_char,
    out_len: usize,
    needed: usize,
    what: &'static str,
) -> Result<&'a mut [u8], Failure> {
    if out.is_null() {
        return Err(invalid(format!("{what} is NULL")));
    }
    if out_len > 0 {
        *out = 0;
    }
    if out_len < needed {
        return Err(Failure::BufferTooSmall { what, given: out_len, needed });
    }
    Ok(slice::from_raw_parts_mut(out.cast::<u8>(), out_len))
}

/// Writes `value` and a NUL into a buffer from [`text_buffer`].
pub(crate) fn write_text(buffer: &mut [u8], value: &str, what: &'static str) -> Result<(), Failure> {
    let needed = value.len() + 1;
    if buffer.len() < needed {
        return Err(Failure::BufferTooSmall { what, given: buffer.len(), needed });
    }
    buffer[..value.len()].copy_from_slice(value.as_bytes());
    buffer[value.len()] = 0;
    Ok(())
}

/// Sets a caller's output pointer to NULL (when there is one), so it never
/// holds garbage after a failed call.
///
/// # Safety
/// A non-NULL `out` must be valid for writes.
pub(crate) unsafe fn clear_out<T>(out: *mut *mut T) {
    if !out.is_null() {
        *out = ptr::null_mut();
    }
}

/// Takes back what the library handed out as `*slot` and sets `*slot` to
/// NULL; NULL `slot` or NULL `*slot` is a no-op. This is why every `_free`
/// takes the address of the caller's pointer: a second free of the same
/// variable finds NULL and does nothing.
///
/// # Safety
/// A non-NULL `*slot` must have come from `Box::into_raw` of a `Box<U>` whose
/// first field (by `#[repr(C)]`) is the `T` the caller sees, and not be freed yet.
pub(crate) unsafe fn take_box<T, U>(slot: *mut *mut T) -> Option<Box<U>> {
    if slot.is_null() || (*slot).is_null() {
        return None;
    }
    let raw = *slot;
    *slot = ptr::null_mut();
    Some(Box::from_raw(raw.cast::<U>()))
}
