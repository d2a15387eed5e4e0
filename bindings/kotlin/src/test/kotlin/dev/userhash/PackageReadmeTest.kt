package dev.userhash

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/** bindings/kotlin/README.md's runnable examples are PackageReadmeExamples.kt's, and they run. */
class PackageReadmeTest {
    private fun property(name: String) = File(System.getProperty(name) ?: error("set -D$name"))

    /** The lines between `// README [name] start` and `// README [name] end`, unindented. */
    private fun marked(name: String): String {
        val source = File(property("userhash.testSources"), "dev/userhash/PackageReadmeExamples.kt").readLines()
        val start = source.indexOfFirst { it.trim() == "// README $name start" }
        val end = source.indexOfFirst { it.trim() == "// README $name end" }
        assertTrue(start >= 0 && end > start, "no README $name markers")
        return source.subList(start + 1, end).joinToString("\n").trimIndent()
    }

    /** The README's ```kotlin blocks. */
    private fun blocks(): List<String> =
        property("userhash.packageReadme").readText().split("```kotlin\n").drop(1).map { it.substringBefore("\n```") }

    @Test
    fun `the README shows the tokens example as it is in PackageReadmeExamples_kt`() {
        val example = marked("tokens")
        assertTrue(example in blocks(), "bindings/kotlin/README.md has no ```kotlin block that is:\n$example")
    }

    @Test
    fun `the tokens example runs`() {
        val printed = PackageReadmeExamples.tokens("tok_readme_" + "5".repeat(32))
        assertEquals("verified user-42 <jane@example.com> with key 2024-06", printed[0])
        assertEquals("verified user-7", printed[1])
        assertTrue(printed[2].startsWith("Replayed: this nonce was already used"), "$printed")
        assertEquals(3, printed.size, "$printed")
    }
}
