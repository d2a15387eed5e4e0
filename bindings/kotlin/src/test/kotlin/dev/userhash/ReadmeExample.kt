package dev.userhash

/**
 * The top-level README's Kotlin example, as it is printed there (the lines
 * between the markers); ReadmeTest checks the README shows exactly these
 * lines and runs them.
 */
fun readmeExample(secret: String): List<String> {
    val printed = mutableListOf<String>()
    fun println(line: String) {
        printed += line
    }
    // README start
    val hash = signIdentifier("<widget-hmac-token>", "<identifier>")          // "959217e5...6d82"

    val signer = IdentitySigner(secret, "org_123")                          // in the customer's backend
    val url = signer.widgetUrl("https://widget.example.com/", "a+b@example.com", "Alice")

    val verifier = Verifier(listOf(secret), "org_123")                      // in the widget's server
    try {
        println("verified as " + verifier.verifyUrl(url).email)
    } catch (e: UserHashException) {                                        // e.g. UserHashException.Replayed
        println("${e::class.simpleName}: $e")                               // toString() is the core's message
    }
    // README end
    printed += hash
    return printed
}
