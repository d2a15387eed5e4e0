package dev.userhash

import dev.userhash.ffi.DiagnosedCause as FfiCause
import dev.userhash.ffi.Diagnosis as FfiDiagnosis
import dev.userhash.ffi.SignedIdentity as FfiSigned
import dev.userhash.ffi.VerifiedIdentity as FfiVerified

/**
 * What a signer hands to the widget: the signed fields and the hash over
 * them. Build the widget's URL from it with [UserHash.widgetUrl].
 */
data class SignedIdentity(
    val email: String,
    /** Unix time in milliseconds. */
    val timestampMs: Long,
    val orgId: String,
    val nonce: String,
    /** 64 lowercase hex characters. */
    val userHash: String,
)

/** Who the widget's user is, once every check has passed. */
data class VerifiedIdentity(
    val email: String,
    val orgId: String,
    val timestampMs: Long,
    val nonce: String,
    /** The display name, if the URL had one. Not signed: show it, don't trust it. */
    val name: String?,
    /** Every other parameter of the URL. Not signed. */
    val params: Map<String, String>,
    /** Which configured secret matched: 0 is the current one. */
    val keyIndex: Int,
)

/**
 * Why a hash does not match (SPEC §6): [result] is `Matches`, `Explained`
 * (see [causes], the main one first) or `Unexplained` (the secret itself is
 * the likely cause); [message] says what to do. Never shows a secret.
 */
data class Diagnosis(val result: String, val causes: List<DiagnosedCause>, val message: String)

/**
 * One usual mistake that reproduces the failed hash: [cause] is its name
 * (`Whitespace`, `PlusAsSpace`, `OtherSecret`, ...), [field] the input it is
 * about, [signed] and [given] what was signed and what was checked instead,
 * [keyIndex] which configured secret, [edit] how the signer's secret differed
 * (`trailing_newline`, ...), [message] what happened and how to fix it.
 */
data class DiagnosedCause(
    val cause: String,
    val field: String?,
    val signed: String?,
    val given: String?,
    val keyIndex: Int?,
    val edit: String?,
    val message: String,
)

internal fun FfiSigned.lift() = SignedIdentity(email, timestampMs.toLong(), orgId, nonce, userHash)

internal fun SignedIdentity.lower() = FfiSigned(email, timestampMs.toU64("timestampMs"), orgId, nonce, userHash)

internal fun FfiVerified.lift() =
    VerifiedIdentity(email, orgId, timestampMs.toLong(), nonce, name, params, keyIndex.toInt())

internal fun FfiDiagnosis.lift() = Diagnosis(result, causes.map { it.lift() }, message)

private fun FfiCause.lift() = DiagnosedCause(cause, field, signed, given, keyIndex?.toInt(), edit, message)
