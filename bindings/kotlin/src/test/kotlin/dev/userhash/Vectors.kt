package dev.userhash

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.fail
import java.io.File

/** tests/vectors/, read from the repository (Maven passes its path as `userhash.vectors`). */
object Vectors {
    private val dir: File by lazy {
        val path = System.getProperty("userhash.vectors") ?: error("set -Duserhash.vectors to the repository's tests/vectors")
        File(path).also { check(it.isDirectory) { "no vectors folder at $it" } }
    }

    fun load(name: String): JSONObject = JSONObject(File(dir, name).readText())
}

fun JSONArray.objects(): List<JSONObject> = (0 until length()).map { getJSONObject(it) }

fun JSONArray.strings(): List<String> = (0 until length()).map { getString(it) }

fun JSONObject.stringOrNull(key: String): String? = if (isNull(key)) null else getString(key)

fun JSONObject.longOrNull(key: String): Long? = if (isNull(key)) null else getLong(key)

fun JSONObject.stringMap(): Map<String, String> = keySet().associateWith { getString(it) }

fun hex(s: String): ByteArray = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }

/**
 * The field an error is about, as SPEC.md spells it: the variant's own
 * `field`, and for the two variants whose field is implied (the core's
 * `Error::field`), `secret` and `org_id`.
 */
val UserHashException.fieldOrNull: String?
    get() = when (this) {
        is UserHashException.WeakSecret -> Field.SECRET.asStr()
        is UserHashException.Malformed -> field.asStr()
        is UserHashException.Missing -> field.asStr()
        is UserHashException.Duplicate -> field.asStr()
        is UserHashException.WrongOrg -> Field.ORG_ID.asStr()
        else -> null
    }

/** Runs [block], which must throw a [UserHashException]; returns it. */
inline fun rejected(label: String, block: () -> Any?): UserHashException {
    val result = try {
        block()
    } catch (e: UserHashException) {
        return e
    }
    fail<Unit>("$label: expected a UserHashException, got ${result.toString().take(200)}")
    error("unreachable")
}

/** The exception is the vector's variant, its own class, with its field. */
fun assertVariant(case: JSONObject, e: UserHashException, label: String = case.optString("name")) {
    assertEquals(case.getString("error"), e::class.simpleName, "$label: $e")
    if (case.has("field")) assertEquals(case.getString("field"), e.fieldOrNull, "$label: $e")
}

/** Nothing shown (toString, message, fields) contains one of [secrets]. */
fun assertNoSecret(secrets: List<String>, vararg shown: Any?) {
    val text = shown.joinToString(" ") { it.toString() }
    for (secret in secrets) {
        // Below 4 characters a secret is found by chance.
        if (secret.trim().length >= 4) assertFalse(secret.trim() in text, "a secret is shown: $text")
    }
}
