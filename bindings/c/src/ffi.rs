//! Reading the C caller's arguments and writing its outputs. Every check here
//! is about memory and encoding (NULL, lengths, UTF-8, buffer sizes), never
//! about userhash's rules, which stay in the core.

use std::ffi::{c_char, CString};
use std::fmt::Display;
use std::{ptr, slice, str};

use crate::status::Failure;
use crate::userhash_str;

fn invalid(message: String) -> Failure {
    Failure::InvalidArgument(message)
}

// A caller's count or length is a claim about memory it owns, never a size
// to allocate: it is checked here before anything is read, and the library
// allocates only for what it then reads (`read_items` grows as it goes).

/// `len` bytes at `ptr`, which must not be NULL. `what` names the argument
/// in the message (`format_args!` for an indexed one, so no allocation).
///
/// # Safety
/// `ptr` must point to `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const c_char, len: usize, what: impl Display) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return Err(invalid(format!("{what} is NULL (pass \"\" with length 0 for an empty value)")));
    }
    if len > isize::MAX as usize {
        return Err(invalid(format!(
            "the length of {what}, {len}, is larger than any object in memory: pass the number of bytes it holds"
        )));
    }
    Ok(slice::from_raw_parts(ptr.cast::<u8>(), len))
}

/// `len` bytes at `ptr` as UTF-8 text.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(ptr: *const c_char, len: usize, what: impl Display) -> Result<&'a str, Failure> {
    let raw = bytes(ptr, len, &what)?;
    str::from_utf8(raw).map_err(|e| invalid(format!("{what} is not valid UTF-8 (at byte {})", e.valid_up_to())))
}

/// An optional piece of text in a structure: NULL `ptr` is none (and `len`
/// is not read), anything else is [`text`].
///
/// # Safety
/// A non-NULL `s.ptr` must point to `s.len` readable bytes that outlive `'a`.
pub(crate) unsafe fn optional_text<'a>(s: &userhash_str, what: impl Display) -> Result<Option<&'a str>, Failure> {
    if s.ptr.is_null() {
        return Ok(None);
    }
    text(s.ptr, s.len, what).map(Some)
}

/// An optional text argument: NULL `ptr` is none (and `len` is not read).
///
/// # Safety
/// As [`optional_text`].
pub(crate) unsafe fn optional_arg<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<Option<&'a str>, Failure> {
    optional_text(&userhash_str { ptr, len }, what)
}

/// `len` items at `ptr`; NULL is allowed only when `len` is 0, and `len`
/// items must fit in memory (`len * size_of::<T>() <= isize::MAX`).
///
/// # Safety
/// A non-NULL `ptr` must point to `len` initialized items that outlive `'a`.
pub(crate) unsafe fn items<'a, T>(ptr: *const T, len: usize, what: &str) -> Result<&'a [T], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(invalid(format!("{what} is NULL but its count is {len} (NULL goes only with a count of 0)")));
    }
    if len.checked_mul(size_of::<T>()).is_none_or(|n| n > isize::MAX as usize) {
        return Err(invalid(format!(
            "the count of {what}, {len}, is larger than any array in memory (at {} bytes an item): \
             pass the number of items it holds",
            size_of::<T>()
        )));
    }
    Ok(slice::from_raw_parts(ptr, len))
}

/// Each of the `len` items at `ptr` read by `read` (given its index), once
/// [`items`] has checked them; the first error stops the reading.
///
/// # Safety
/// As [`items`].
pub(crate) unsafe fn read_items<'a, T: 'a, U>(
    ptr: *const T,
    len: usize,
    what: &str,
    read: impl FnMut((usize, &'a T)) -> Result<U, Failure>,
) -> Result<Vec<U>, Failure> {
    items(ptr, len, what)?.iter().enumerate().map(read).collect()
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

/// Runs `make`, then writes the text it returns and a NUL into the caller's
/// buffer `out` of `out_len` bytes. The size is checked against `needed`
/// before `make` runs, so a short buffer fails in tests whatever the input.
///
/// Nothing is written before `make` has read the inputs, so `out` may be one
/// of the input buffers (an identifier signed in place). Only the bytes of
/// the text and its NUL are touched, never all of `out_len` (a caller may
/// overstate it, even as `SIZE_MAX`). On every failure, a panic included,
/// `out` holds "" (when `out_len > 0`).
///
/// # Safety
/// A non-NULL `out` must point to `out_len` writable bytes.
pub(crate) unsafe fn text_out(
    out: *mut c_char,
    out_len: usize,
    needed: usize,
    what: &'static str,
    make: impl FnOnce() -> Result<String, Failure>,
) -> Result<(), Failure> {
    if out.is_null() {
        return Err(invalid(format!("{what} is NULL")));
    }
    // Empties the buffer on the way out, unless disarmed by success.
    struct EmptyOnFailure(*mut c_char);
    impl Drop for EmptyOnFailure {
        fn drop(&mut self) {
            // SAFETY: built only when `out` is non-NULL and `out_len > 0`.
            unsafe { *self.0 = 0 }
        }
    }
    let empty = (out_len > 0).then(|| EmptyOnFailure(out));
    if out_len < needed {
        return Err(Failure::BufferTooSmall { what, given: out_len, needed });
    }
    let value = make()?;
    if value.len() >= out_len {
        return Err(Failure::BufferTooSmall { what, given: out_len, needed: value.len() + 1 });
    }
    // `value` is the library's own copy, so it cannot overlap `out`.
    ptr::copy_nonoverlapping(value.as_ptr(), out.cast::<u8>(), value.len());
    *out.add(value.len()) = 0;
    std::mem::forget(empty);
    Ok(())
}

/// Runs `make`, then writes the `N` bytes it returns into the caller's
/// buffer `out` of `out_len` bytes, which must hold them (checked before
/// `make` runs). As in [`text_out`], nothing is written before `make` has
/// read the inputs and only those `N` bytes are touched. On every failure, a
/// panic included, they are zeros (as many of them as `out_len` allows), so
/// no earlier tag is left in a buffer the caller may read anyway.
///
/// # Safety
/// A non-NULL `out` must point to `out_len` writable bytes.
pub(crate) unsafe fn bytes_out<const N: usize>(
    out: *mut u8,
    out_len: usize,
    what: &'static str,
    make: impl FnOnce() -> Result<[u8; N], Failure>,
) -> Result<(), Failure> {
    if out.is_null() {
        return Err(invalid(format!("{what} is NULL")));
    }
    // Zeroes the buffer on the way out, unless disarmed by success.
    struct ZeroOnFailure(*mut u8, usize);
    impl Drop for ZeroOnFailure {
        fn drop(&mut self) {
            // SAFETY: `out` is non-NULL and holds at least `self.1` bytes.
            unsafe { ptr::write_bytes(self.0, 0, self.1) }
        }
    }
    let zero = ZeroOnFailure(out, out_len.min(N));
    if out_len < N {
        return Err(Failure::BufferTooSmall { what, given: out_len, needed: N });
    }
    let value = make()?;
    // `value` is the library's own copy, so it cannot overlap `out`.
    ptr::copy_nonoverlapping(value.as_ptr(), out, N);
    std::mem::forget(zero);
    Ok(())
}

/// Runs `check` and writes its answer to `*out_valid`, which is false from
/// the start, so it stays false on every failure (a panic included).
///
/// # Safety
/// A non-NULL `out_valid` must be valid for writing one `bool`.
pub(crate) unsafe fn valid_out(
    out_valid: *mut bool,
    check: impl FnOnce() -> Result<bool, Failure>,
) -> Result<(), Failure> {
    if out_valid.is_null() {
        return Err(invalid("out_valid is NULL".into()));
    }
    *out_valid = false;
    let valid = check()?;
    *out_valid = valid;
    Ok(())
}

/// Hands what `make` builds to the caller as `*out`: a new heap object, which
/// the matching `_free` takes back with [`take_box`]. `*out` is NULL from the
/// start, so it stays NULL on every failure (a panic included).
///
/// # Safety
/// A non-NULL `out` must be valid for writing one pointer. `U` must be `T`,
/// or a `#[repr(C)]` structure whose first field is the `T` the caller reads.
pub(crate) unsafe fn boxed_out<T, U>(
    out: *mut *mut T,
    what: &str,
    make: impl FnOnce() -> Result<U, Failure>,
) -> Result<(), Failure> {
    if out.is_null() {
        return Err(invalid(format!("{what} is NULL")));
    }
    *out = ptr::null_mut();
    let value = make()?;
    *out = Box::into_raw(Box::new(value)).cast::<T>();
    Ok(())
}

/// Runs `make` and hands the text it returns to the caller as `*out`, a new
/// NUL-terminated string to free with `userhash_string_free`, and its length
/// as `*out_len` (when `out_len` is not NULL). Both are NULL and 0 from the
/// start, so they stay so on every failure (a panic included).
///
/// # Safety
/// A non-NULL `out` must be valid for writing one pointer, a non-NULL
/// `out_len` for one `size_t`.
pub(crate) unsafe fn string_out(
    out: *mut *mut c_char,
    out_len: *mut usize,
    what: &str,
    make: impl FnOnce() -> Result<String, Failure>,
) -> Result<(), Failure> {
    clear_out(out);
    if let Some(len) = out_len.as_mut() {
        *len = 0;
    }
    let out = target(out, what)?;
    let value = make()?;
    let len = value.len();
    // Tokens and URLs are ASCII without NUL; a NUL would be a bug (a panic, so USERHASH_INTERNAL).
    let value = CString::new(value).expect("text handed out as a C string holds no NUL byte");
    *out = value.into_raw();
    if let Some(out_len) = out_len.as_mut() {
        *out_len = len;
    }
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
