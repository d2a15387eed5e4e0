package dev.userhash

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/** The README's Kotlin example is ReadmeExample.kt's, and it runs. */
class ReadmeTest {
    private fun property(name: String) = File(System.getProperty(name) ?: error("set -D$name"))

    @Test
    fun `the README shows the example as it is in ReadmeExample_kt`() {
        val source = File(property("userhash.testSources"), "dev/userhash/ReadmeExample.kt").readLines()
        val start = source.indexOfFirst { it.trim() == "// README start" }
        val end = source.indexOfFirst { it.trim() == "// README end" }
        val example = source.subList(start + 1, end).joinToString("\n").trimIndent()

        val readme = property("userhash.readme").readText()
        val section = readme.substringAfter("\n## Kotlin\n", "")
        assertTrue(section.isNotEmpty(), "the README has no ## Kotlin section")
        val block = section.substringAfter("```kotlin\n").substringBefore("\n```")
        assertEquals(example, block.lines().dropWhile { it.startsWith("import ") || it.isBlank() }.joinToString("\n"))
    }

    @Test
    fun `the README's example runs`() {
        val printed = readmeExample("whsec_readme_0123456789abcdef")
        assertEquals(listOf("verified as a+b@example.com", "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82"), printed)
    }
}
