//! The `ffi-names` suite: the uniffi layer uses no name a target language
//! reserves, so the generated code needs no escaping and the C header that
//! uniffi writes for Swift compiles (a parameter named `signed` once broke
//! it: uniffi-rs #2805).
//!
//! Two checks: the header, generated anew and compiled on its own with
//! warnings as errors; and every parameter, field and variant name of
//! `bindings/uniffi/src`, in its Rust (snake) and Kotlin/Swift (camel)
//! spelling, against the reserved words of C, Kotlin, Swift and Python.

use std::path::Path;

use crate::bindgen;
use crate::run::{cmd, path_str, status, target_dir, Counts};

/// C11 keywords, and the C++ ones a C header must also avoid.
const C: &[&str] = &[
    "auto",
    "break",
    "case",
    "char",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "float",
    "for",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "register",
    "restrict",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "struct",
    "switch",
    "typedef",
    "union",
    "unsigned",
    "void",
    "volatile",
    "while",
    "bool",
    "class",
    "delete",
    "new",
    "operator",
    "private",
    "protected",
    "public",
    "template",
    "this",
    "throw",
    "try",
    "catch",
    "namespace",
    "virtual",
    "friend",
    "mutable",
    "explicit",
    "export",
    "typename",
    "using",
];
/// Kotlin's hard keywords.
const KOTLIN: &[&str] = &[
    "as",
    "break",
    "class",
    "continue",
    "do",
    "else",
    "false",
    "for",
    "fun",
    "if",
    "in",
    "interface",
    "is",
    "null",
    "object",
    "package",
    "return",
    "super",
    "this",
    "throw",
    "true",
    "try",
    "typealias",
    "typeof",
    "val",
    "var",
    "when",
    "while",
];
/// Members a generated Kotlin exception inherits from `Throwable`: a field
/// of `UserHashError` named so clashes (the last round's eleven renames).
const INHERITED_BY_EXCEPTIONS: &[&str] = &["message", "cause", "stackTrace", "localizedMessage"];
/// Swift keywords (declarations, statements, expressions, patterns).
const SWIFT: &[&str] = &[
    "associatedtype",
    "class",
    "deinit",
    "enum",
    "extension",
    "fileprivate",
    "func",
    "import",
    "init",
    "inout",
    "internal",
    "let",
    "open",
    "operator",
    "private",
    "precedencegroup",
    "protocol",
    "public",
    "rethrows",
    "static",
    "struct",
    "subscript",
    "typealias",
    "var",
    "break",
    "case",
    "catch",
    "continue",
    "default",
    "defer",
    "do",
    "else",
    "fallthrough",
    "for",
    "guard",
    "if",
    "in",
    "repeat",
    "return",
    "throw",
    "switch",
    "where",
    "while",
    "as",
    "false",
    "is",
    "nil",
    "self",
    "super",
    "throws",
    "true",
    "try",
    "Self",
    "Type",
    "Protocol",
];
/// Python keywords and soft keywords.
const PYTHON: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match", "case", "type",
];

pub fn suite() -> Result<Counts, String> {
    let header = header_compiles();
    let names = reserved_names(&target_dir().join("ffi-names/python/userhash_ffi.py")).and_then(|clashes| {
        if clashes.is_empty() {
            println!("ffi-names: no exported name is a reserved word of C, Kotlin, Swift or Python");
            Ok(())
        } else {
            Err(format!("names a target language reserves: {}", clashes.join(", ")))
        }
    });
    let failures: Vec<String> = [header, names].into_iter().filter_map(Result::err).collect();
    if failures.is_empty() {
        Ok(Counts { passed: 2, failed: 0 })
    } else {
        Err(failures.join("; "))
    }
}

/// Generates the Swift bindings and compiles their C header alone; generates
/// the Python too, for the names.
fn header_compiles() -> Result<(), String> {
    status(&mut cmd("cargo", &["build", "-p", "userhash-ffi"]))?;
    let out = target_dir().join("ffi-names");
    let library = target_dir().join("debug/libuserhash_ffi.so");
    status(&mut bindgen::command("swift", &library, &out, None)?)?;
    status(&mut bindgen::command("python", &library, &out.join("python"), None)?)?;
    let main = out.join("header_alone.c");
    std::fs::write(&main, "#include \"userhash_ffiFFI.h\"\nint main(void) { return 0; }\n")
        .map_err(|e| format!("cannot write {}: {e}", main.display()))?;
    // The header uses clang's nullability qualifiers; gcc needs them spelled out.
    status(&mut cmd(
        "cc",
        &[
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-D_Nullable=",
            "-D_Nonnull=",
            "-I",
            path_str(&out)?,
            "-c",
            path_str(&main)?,
            "-o",
            path_str(&out.join("header_alone.o"))?,
        ],
    ))
}

/// The exported names, read from the Python uniffi generates (it keeps the
/// Rust spelling): every class (record, enum, variant, object) and every
/// parameter of a public `def`. Each is checked in its Rust (snake) and
/// Kotlin/Swift (camel) spelling; the fields of the error's variants also
/// against what a Kotlin exception inherits.
fn reserved_names(generated: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(generated).map_err(|e| format!("cannot read {}: {e}", generated.display()))?;
    let error_start = text.find("class UserHashError(Exception):").unwrap_or(text.len());
    let error_end = text.find("class _UniffiFfiConverterTypeUserHashError").unwrap_or(text.len());
    let mut clashes = Vec::new();
    let mut at = 0;
    for line in text.lines() {
        let in_error = (error_start..error_end).contains(&at);
        at += line.len() + 1;
        for name in exported_names(line) {
            for spelling in [name.clone(), camel(&name), lower_first(&name)] {
                for (language, words) in [("C", C), ("Kotlin", KOTLIN), ("Swift", SWIFT), ("Python", PYTHON)] {
                    if words.contains(&spelling.as_str()) {
                        clashes.push(format!("`{name}` ({language})"));
                    }
                }
                if in_error && INHERITED_BY_EXCEPTIONS.contains(&spelling.as_str()) {
                    clashes.push(format!("`{name}` (a field of UserHashError; Kotlin's Throwable has one)"));
                }
            }
        }
    }
    clashes.sort();
    clashes.dedup();
    Ok(clashes)
}

/// The public names a line of the generated Python declares: a class, or
/// the parameters of a `def` (not `self`, not uniffi's private helpers).
fn exported_names(line: &str) -> Vec<String> {
    let code = line.trim_start();
    let is_private = |name: &str| name.starts_with('_') || name == "self" || name == "cls";
    if let Some(rest) = code.strip_prefix("class ") {
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        return if is_private(&name) { Vec::new() } else { vec![name] };
    }
    let Some(rest) = code.strip_prefix("def ").or_else(|| code.strip_prefix("async def ")) else {
        return Vec::new();
    };
    let function: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    if function.starts_with('_') && function != "__init__" {
        return Vec::new();
    }
    let params = rest.split_once('(').map_or("", |(_, p)| p.rsplit_once(')').map_or(p, |(p, _)| p));
    params
        .split(',')
        .map(|p| p.trim().trim_start_matches('*'))
        .map(|p| p.split([':', '=']).next().unwrap_or("").trim().to_owned())
        .filter(|p| !p.is_empty() && !is_private(p))
        .collect()
}

/// `signed_value` as Kotlin and Swift spell it: `signedValue`.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `Whitespace` as a Swift enum case: `whitespace`.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_classes_and_parameters_of_the_generated_python() {
        assert_eq!(exported_names("class SignedIdentity:"), ["SignedIdentity"]);
        assert_eq!(exported_names("    class Whitespace(_UniffiTempCause):"), ["Whitespace"]);
        assert!(exported_names("class _UniffiRustBuffer(ctypes.Structure):").is_empty());
        assert_eq!(
            exported_names("def diagnose(secrets: typing.List[bytes],signed: SignedInput,hash: str) -> Diagnosis:"),
            ["secrets", "signed", "hash"]
        );
        assert_eq!(
            exported_names("        def __init__(self, *, age_ms: int, tolerance_ms: int = _DEFAULT):"),
            ["age_ms", "tolerance_ms"]
        );
        assert!(exported_names("    def _uniffi_clone_handle(self):").is_empty());
        assert_eq!(camel("signed_value"), "signedValue");
        assert_eq!(lower_first("Default"), "default");
    }
}
