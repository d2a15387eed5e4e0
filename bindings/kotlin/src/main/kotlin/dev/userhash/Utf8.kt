package dev.userhash

import java.nio.Buffer
import java.nio.ByteBuffer

/**
 * Text for the generated layer, which takes `&[u8]` as a *direct*
 * [ByteBuffer] and passes its address to Rust without copying.
 *
 * Each call encodes its Strings as UTF-8 into one direct buffer per thread,
 * hands Rust a slice per argument, then zeroes what it wrote (a secret does
 * not linger there) and keeps the buffer for the thread's next call:
 * allocating a direct buffer per call costs more than the call itself. The
 * buffer is taken out of its slot for the duration of a call, so a call made
 * from inside one (a Kotlin [NonceStore] that calls userhash) gets a buffer of
 * its own and never overwrites bytes Rust is still reading.
 *
 * A lone surrogate (a String that is not valid UTF-16) is written as its
 * three-byte form, which is not UTF-8: the Rust core then refuses that
 * argument with `Malformed`, instead of signing a `?` in its place as
 * `String.toByteArray` would. A secret is the exception: Rust takes it as any
 * bytes, so [secretText] refuses it before it is written.
 */
internal class Scratch private constructor(private val buffer: ByteBuffer, private val pooled: Boolean) {
    private var used = 0

    /** Writes [text] after what is already there and returns it as a slice of its own. */
    fun put(text: String): ByteBuffer {
        val start = used
        used = encode(text, buffer, start)
        return slice(start, used)
    }

    fun put(bytes: ByteArray): ByteBuffer {
        val start = used
        for (i in bytes.indices) buffer.put(start + i, bytes[i])
        used = start + bytes.size
        return slice(start, used)
    }

    private fun slice(start: Int, end: Int): ByteBuffer {
        // Through Buffer: ByteBuffer.position(Int) returns ByteBuffer only since Java 9.
        val view = buffer.duplicate()
        (view as Buffer).limit(end)
        (view as Buffer).position(start)
        return view.slice()
    }

    fun release() {
        for (i in 0 until used) buffer.put(i, 0)
        used = 0
        if (pooled) slot.set(this)
    }

    companion object {
        /** Buffers up to this size stay with their thread; larger ones are dropped after the call. */
        private const val KEEP = 64 * 1024
        private const val INITIAL = 4 * 1024
        private val slot = ThreadLocal<Scratch?>()

        /** A buffer of at least [chars] × 3 bytes (UTF-8's most per UTF-16 unit). */
        fun take(chars: Long): Scratch {
            val need = chars * 3
            require(need <= Int.MAX_VALUE) { "text too long to encode: $chars characters" }
            val cached = slot.get()
            if (cached != null && cached.buffer.capacity() >= need) {
                slot.set(null)
                return cached
            }
            if (need <= KEEP) {
                var size = INITIAL
                while (size < need) size *= 2
                slot.set(null)
                return Scratch(ByteBuffer.allocateDirect(size), pooled = true)
            }
            return Scratch(ByteBuffer.allocateDirect(need.toInt()), pooled = false)
        }

        fun encode(text: String, out: ByteBuffer, at: Int): Int {
            var p = at
            var i = 0
            val n = text.length
            while (i < n) {
                val c = text[i].code
                when {
                    c < 0x80 -> out.put(p++, c.toByte())
                    c < 0x800 -> {
                        out.put(p++, (0xC0 or (c shr 6)).toByte())
                        out.put(p++, (0x80 or (c and 0x3F)).toByte())
                    }
                    Character.isHighSurrogate(text[i]) && i + 1 < n && Character.isLowSurrogate(text[i + 1]) -> {
                        val cp = Character.toCodePoint(text[i], text[i + 1])
                        out.put(p++, (0xF0 or (cp shr 18)).toByte())
                        out.put(p++, (0x80 or ((cp shr 12) and 0x3F)).toByte())
                        out.put(p++, (0x80 or ((cp shr 6) and 0x3F)).toByte())
                        out.put(p++, (0x80 or (cp and 0x3F)).toByte())
                        i++
                    }
                    else -> {
                        out.put(p++, (0xE0 or (c shr 12)).toByte())
                        out.put(p++, (0x80 or ((c shr 6) and 0x3F)).toByte())
                        out.put(p++, (0x80 or (c and 0x3F)).toByte())
                    }
                }
                i++
            }
            return p
        }

        /** [text] as UTF-8 bytes, lone surrogates as above (for arguments the generated layer takes as `ByteArray`). */
        fun bytes(text: String): ByteArray {
            val buffer = ByteBuffer.allocate(text.length * 3)
            val end = encode(text, buffer, 0)
            return buffer.array().copyOf(end)
        }
    }
}

internal inline fun <R> utf8(a: String, block: (ByteBuffer) -> R): R {
    val s = Scratch.take(a.length.toLong())
    try {
        return block(s.put(a))
    } finally {
        s.release()
    }
}

internal inline fun <R> utf8(a: String, b: String, block: (ByteBuffer, ByteBuffer) -> R): R {
    val s = Scratch.take(a.length.toLong() + b.length)
    try {
        return block(s.put(a), s.put(b))
    } finally {
        s.release()
    }
}

internal inline fun <R> utf8(a: String, b: String, c: String, block: (ByteBuffer, ByteBuffer, ByteBuffer) -> R): R {
    val s = Scratch.take(a.length.toLong() + b.length + c.length)
    try {
        return block(s.put(a), s.put(b), s.put(c))
    } finally {
        s.release()
    }
}

/** Raw bytes (a secret given as a ByteArray, an HMAC key or message) into the same kind of buffer. */
internal inline fun <R> direct(a: ByteArray, b: ByteArray, block: (ByteBuffer, ByteBuffer) -> R): R {
    // take() counts UTF-16 units at 3 bytes each; bytes need a third of that.
    val s = Scratch.take((a.size.toLong() + b.size + 2) / 3)
    try {
        return block(s.put(a), s.put(b))
    } finally {
        s.release()
    }
}

internal inline fun <R> direct(a: ByteArray, b: ByteArray, c: ByteArray, block: (ByteBuffer, ByteBuffer, ByteBuffer) -> R): R {
    val s = Scratch.take((a.size.toLong() + b.size + c.size + 2) / 3)
    try {
        return block(s.put(a), s.put(b), s.put(c))
    } finally {
        s.release()
    }
}

/** A scratch buffer for [chars] UTF-16 units (or 3 × as many bytes), released after [block]. */
internal inline fun <R> scratch(chars: Long, block: (Scratch) -> R): R {
    val s = Scratch.take(chars)
    try {
        return block(s)
    } finally {
        s.release()
    }
}

/**
 * [secret] once it is known to be valid UTF-16, for a call that encodes it.
 * The core takes a secret as any bytes (it is a key, not text), so the
 * three-byte form of a lone surrogate would be signed as it is: a key that
 * no other language makes from any String, and a hash that never matches.
 * Refused here instead, naming neither the secret nor where in it the bad
 * character is. [name] is the argument (`secret`, `secrets[1]`).
 */
@Throws(UserHashException::class)
internal fun secretText(secret: String, name: String = "secret"): String {
    var i = 0
    val n = secret.length
    while (i < n) {
        val c = secret[i]
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(secret[i + 1])) {
            i += 2
            continue
        }
        if (Character.isSurrogate(c)) {
            val reason = "$name is a String with a lone surrogate (not valid UTF-16), which UTF-8 cannot encode; " +
                "pass the secret as a ByteArray (signIdentifier, verifyIdentifier and IdentitySigner take one), " +
                "or fix where the String was made (a surrogate pair cut in two, a \\uD800 escape in JSON)"
            throw UserHashException.Malformed("secret", reason, "secret is malformed: $reason")
        }
        i++
    }
    return secret
}

/** [secrets] as the generated layer takes them, each checked by [secretText]. */
@Throws(UserHashException::class)
internal fun secretBytes(secrets: List<String>): List<ByteArray> =
    secrets.mapIndexed { i, s -> Scratch.bytes(secretText(s, "secrets[$i]")) }

/**
 * A Long as the u64 Rust takes. A negative one has no u64 value (as ULong it
 * would wrap to a huge number: a tolerance of -1 would accept any time), so it
 * is refused here, the one argument check of the facade.
 */
internal fun Long.toU64(name: String): ULong {
    require(this >= 0) { "$name must not be negative: $this" }
    return toULong()
}
