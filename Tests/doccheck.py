#!/usr/bin/env python3
"""Checks that every public function, initializer and subscript of SAML and AWSFederation has a DocC comment
that documents each parameter (`- Parameter name:` or `- Parameters:` with `  - name:` items, by the internal
name, as DocC matches them) and, when the declaration throws, has a `- Throws:` line. A declaration without
parameters that does not throw needs only a doc comment. Also reported, because DocC warns about them and the test
script fails on DocC warnings: a documented parameter the declaration does not have, a parameter documented twice,
and `- Returns:` on a function that returns nothing. Python 3 standard library only.

Public means marked `public` or `open` (at any place among the other modifiers, in a type or in an extension), or
unmarked directly inside a `public extension` or a `public protocol`. Declarations may span lines, carry attributes
on earlier lines (`@discardableResult`, `@available(*, deprecated, …)`: still checked), generic clauses, default
values with parentheses or commas, and closure-typed parameters; comments and string literals are ignored.

Usage: python3 Tests/doccheck.py [ROOT ...]

With no arguments it scans Sources/SAML and Sources/AWSFederation next to this script's parent directory. Each
ROOT may be a directory (scanned recursively for .swift files) or a single .swift file. Exits 1 with one line
`path:line: name: missing …` per finding, 0 with `N public functions documented` otherwise; `name` lists the
parameters by the names the comment must use.
"""

import os
import re
import sys

# Paths (relative to the package root, with forward slashes) or path prefixes to leave unchecked. Empty by default.
SKIP = []

DEFAULT_ROOTS = ["Sources/SAML", "Sources/AWSFederation"]

MODIFIERS = (
    "static", "class", "final", "mutating", "nonmutating", "override", "convenience", "required", "nonisolated",
    "dynamic", "optional", "consuming", "borrowing", "distributed", "isolated", "lazy", "indirect",
)
MOD = r"(?:%s)" % "|".join(MODIFIERS)
ACCESS = r"(?:public|open|package|internal|fileprivate|private)(?:\s*\(\s*set\s*\))?"
# `public` (or `open`) among any other modifiers, then the declaration keyword; group 2 is the keyword.
DECL_RE = re.compile(
    r"(?<![\w.@])(?:%s\s+)*(public|open)(?!\s*\()\s+(?:%s\s+)*(func|init|subscript)(?![\w])" % (MOD, MOD)
)
# A declaration keyword with whatever modifiers precede it; group 1 holds them.
ANY_DECL_RE = re.compile(r"(?<![\w.@])((?:(?:%s|%s)\s+)*)(func|init|subscript)(?![\w])" % (MOD, ACCESS))
# Bodies whose members are public without saying so: a public extension's, and a public protocol's requirements.
PUBLIC_SCOPE_RE = re.compile(r"(?<![\w.@])(?:public|open)\s+(?:extension|protocol)(?![\w])")
IDENT_RE = re.compile(r"`[^`]+`|[A-Za-z_][A-Za-z_0-9]*")
OPERATOR_CHARS = set("/=-+!*%<>&|^~?.")


def blank_code(text):
    """Returns text with comments and string-literal contents replaced by spaces (newlines kept), so offsets and
    line numbers match the original and the remaining characters are code only. Handles nested block comments,
    multi-line and raw strings, and string interpolation (whose code is kept)."""
    out = list(text)
    n = len(text)
    i = 0
    # Stack of contexts: ("code", paren_depth) for code inside an interpolation, ("str", hashes, multiline).
    stack = []

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        ctx = stack[-1] if stack else None
        if ctx is not None and ctx[0] == "str":
            _, hashes, multiline = ctx
            closing = ('"""' if multiline else '"') + "#" * hashes
            if text.startswith(closing, i):
                stack.pop()
                i += len(closing)
                continue
            escape = "\\" + "#" * hashes
            if text.startswith(escape, i):
                j = i + len(escape)
                if j < n and text[j] == "(":
                    blank(i, j)
                    stack.append(["code", 1])
                    i = j + 1
                    continue
                blank(i, min(j + 1, n))
                i = j + 1
                continue
            if text[i] != "\n":
                out[i] = " "
            i += 1
            continue
        # Code (top level or inside an interpolation).
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
            continue
        if text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
            continue
        m = re.match(r'(#*)("""|")', text[i:i + 64])
        if m and (m.group(1) == "" or c == "#"):
            hashes = len(m.group(1))
            multiline = m.group(2) == '"""'
            stack.append(("str", hashes, multiline))
            i += m.end()
            continue
        if ctx is not None and ctx[0] == "code":
            if c == "(":
                ctx[1] += 1
            elif c == ")":
                ctx[1] -= 1
                if ctx[1] == 0:
                    stack.pop()
                    out[i] = " "
        i += 1
    return "".join(out)


def match_close(code, i, open_ch, close_ch):
    """Index just past the bracket matching code[i] == open_ch (code is comment- and string-free). For a generic
    clause (`<`…`>`), `->` inside does not close anything."""
    depth = 0
    n = len(code)
    while i < n:
        if open_ch == "<" and code.startswith("->", i):
            i += 2
            continue
        c = code[i]
        if c == open_ch:
            depth += 1
        elif c == close_ch:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def split_parameters(inner):
    """Splits a parameter clause's contents on top-level commas. Inside the type part of each parameter angle
    brackets nest (`Dictionary<String, Int>`); inside a default value they do not (`1 << 20`, `a < b`)."""
    params = []
    start = 0
    depth = 0  # (), [], {}
    angle = 0
    in_default = False
    i = 0
    n = len(inner)
    while i < n:
        if inner.startswith("->", i):
            i += 2
            continue
        c = inner[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and not in_default and c == "<":
            angle += 1
        elif depth == 0 and not in_default and c == ">":
            angle = max(0, angle - 1)
        elif depth == 0 and angle == 0 and c == "=" and not in_default:
            prev = inner[i - 1] if i else ""
            nxt = inner[i + 1] if i + 1 < n else ""
            if prev not in "=!<>" and nxt != "=":
                in_default = True
        elif depth == 0 and angle == 0 and c == ",":
            params.append(inner[start:i])
            start = i + 1
            in_default = False
        i += 1
    if inner[start:].strip():
        params.append(inner[start:])
    return [p for p in params if p.strip()]


def parameter_name(param):
    """The name DocC matches for one parameter: the internal name (the second of two names), else the only one."""
    head = param.split(":", 1)[0]
    names = [t.strip("`") for t in IDENT_RE.findall(head)]
    if not names:
        return None
    name = names[-1] if len(names) >= 2 else names[0]
    return None if name == "_" else name


def declaration_start(code, pos):
    """Offset where the declaration's attributes begin: walks back from `pos` over whitespace and `@attr` or
    `@attr(...)` groups (which may span lines)."""
    start = pos
    while True:
        i = start - 1
        while i >= 0 and code[i] in " \t\r\n":
            i -= 1
        if i < 0:
            return start
        end = i + 1
        if code[i] == ")":
            # `@attr(...)`: step over the argument list to the attribute's name.
            depth, j = 0, i
            while j >= 0:
                if code[j] == ")":
                    depth += 1
                elif code[j] == "(":
                    depth -= 1
                    if depth == 0:
                        break
                j -= 1
            k = j - 1
            while k >= 0 and code[k] in " \t":
                k -= 1
            end = k + 1
        else:
            k = i
        while k >= 0 and (code[k].isalnum() or code[k] == "_"):
            k -= 1
        if k >= 0 and code[k] == "@" and end > k + 1:
            start = k
            continue
        return start


def doc_block(lines, first_line):
    """The `///` (or `/** … */`) comment lines immediately above line index `first_line`, top to bottom."""
    block = []
    i = first_line - 1
    if i >= 0 and lines[i].rstrip().endswith("*/"):
        j = i
        while j >= 0 and "/**" not in lines[j]:
            j -= 1
        if j >= 0 and lines[j].lstrip().startswith("/**"):
            return lines[j:i + 1]
        return []
    while i >= 0 and lines[i].lstrip().startswith("///"):
        block.append(lines[i])
        i -= 1
    block.reverse()
    return block


def comment_lines(block):
    """Each comment line of a block as (indentation, text): the text after `///` (or a block comment's leading `*`)
    and one optional space, with the indentation that remains, which tells list items from nested ones."""
    result = []
    for line in block:
        s = line.strip()
        for prefix in ("///", "/**", "*/", "*"):
            if s.startswith(prefix):
                s = s[len(prefix):]
                break
        if s.endswith("*/"):
            s = s[:-2]
        if s.startswith(" "):
            s = s[1:]
        stripped = s.lstrip(" ")
        result.append((len(s) - len(stripped), stripped.rstrip()))
    return result


SINGLE_RE = re.compile(r"^-\s+parameter\s+([^\s:]+)\s*:", re.IGNORECASE)
HEADER_RE = re.compile(r"^-\s+parameters\s*:", re.IGNORECASE)
ITEM_RE = re.compile(r"^-\s+([^\s:]+)\s*:")
THROWS_RE = re.compile(r"^-\s+throws\s*:", re.IGNORECASE)
RETURNS_RE = re.compile(r"^-\s+returns\s*:", re.IGNORECASE)


def documented_parameters(block):
    """The parameter names a doc comment documents, in order (repeats kept): `- Parameter name:` lines, and the
    items nested under a `- Parameters:` line (`  - name:`)."""
    names = []
    header_indent = None
    for indent, text in comment_lines(block):
        if header_indent is not None:
            if text and indent <= header_indent:
                header_indent = None
            else:
                m = ITEM_RE.match(text)
                if m:
                    names.append(m.group(1).strip("`"))
                continue
        m = SINGLE_RE.match(text)
        if m:
            names.append(m.group(1).strip("`"))
        elif HEADER_RE.match(text):
            header_indent = indent
    return names


def documents_throws(block):
    return any(THROWS_RE.match(text) for _, text in comment_lines(block))


def documents_returns(block):
    return any(RETURNS_RE.match(text) for _, text in comment_lines(block))


def has_summary(block):
    return any(text for _, text in comment_lines(block))


def parse_declaration(code, kind, i):
    """(name, parameter names, throws, returns a value) of the declaration whose keyword `kind` ends at offset i."""
    n = len(code)
    while i < n and code[i] in " \t\r\n":
        i += 1
    if kind == "func":
        if i < n and code[i] in OPERATOR_CHARS:
            j = i
            while j < n and code[j] in OPERATOR_CHARS:
                j += 1
        else:
            mm = IDENT_RE.match(code, i)
            j = mm.end() if mm else i
        name = code[i:j].strip("`")
        i = j
    else:
        name = kind
        if i < n and code[i] in "?!":
            name += code[i]
            i += 1
    while i < n and code[i] in " \t\r\n":
        i += 1
    if i < n and code[i] == "<":
        i = match_close(code, i, "<", ">")
        while i < n and code[i] in " \t\r\n":
            i += 1
    if i >= n or code[i] != "(":
        return name, [], False, False
    close = match_close(code, i, "(", ")")
    params = [p for p in (parameter_name(p) for p in split_parameters(code[i + 1:close - 1])) if p]
    # Effects between the parameter clause and the result arrow, `where` or body (or, for a protocol requirement,
    # the next declaration).
    j = close
    throws = False
    returns = False
    while j < n:
        if code.startswith("->", j):
            returns = True
            break
        if code[j] in "{}=":
            break
        mm = IDENT_RE.match(code, j)
        if mm:
            word = mm.group(0)
            if word in ("throws", "rethrows"):
                k = mm.end()
                while k < n and code[k] in " \t\r\n":
                    k += 1
                error_type = code[k + 1:match_close(code, k, "(", ")") - 1].strip() if code.startswith("(", k) else ""
                throws = error_type != "Never"  # `throws(Never)` does not throw
            elif word == "where":
                break
            elif word not in ("async", "reasync"):
                # The next declaration (no body: a protocol requirement) or anything unexpected.
                break
            j = mm.end()
            continue
        if code[j] == "(":
            j = match_close(code, j, "(", ")")
            continue
        j += 1
    return name, params, throws, returns


def public_declarations(code):
    """(start, keyword, end of keyword) of each public func, init and subscript, in order: those marked `public` (or
    `open`), and those without an access modifier directly inside a `public extension` or `public protocol`, which
    are public too."""
    found = {m.start(): (m.group(2), m.end()) for m in DECL_RE.finditer(code)}
    for ext in PUBLIC_SCOPE_RE.finditer(code):
        brace = code.find("{", ext.end())
        if brace < 0:
            continue
        close = match_close(code, brace, "{", "}")
        depth = 0
        top_level = []  # offsets of the body directly inside the extension
        for k in range(brace + 1, close - 1):
            c = code[k]
            if c in "{([":
                depth += 1
            elif c in "})]":
                depth -= 1
            elif depth == 0:
                top_level.append(k)
        top = set(top_level)
        for m in ANY_DECL_RE.finditer(code, brace + 1, close - 1):
            if m.start(2) not in top or re.search(ACCESS, m.group(1)):
                continue  # nested deeper, or with its own access level (an explicit `public` is found above)
            found.setdefault(m.start(), (m.group(2), m.end()))
    return [(start, kind, end) for start, (kind, end) in sorted(found.items())]


def check_file(path, display):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    code = blank_code(text)
    lines = text.split("\n")
    line_starts = [0]
    for line in lines:
        line_starts.append(line_starts[-1] + len(line) + 1)

    def line_of(offset):
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

    found = 0
    incomplete = 0
    problems = []
    for start, kind, end in public_declarations(code):
        name, params, throws, returns = parse_declaration(code, kind, end)
        found += 1
        keyword_line = line_of(start)
        start_line = line_of(declaration_start(code, start))
        label = "%s(%s)" % (name, "".join(p + ":" for p in params))
        block = doc_block(lines, start_line)
        missing = []
        extra = []
        if not block or not has_summary(block):
            missing.append("doc comment")
        else:
            documented = documented_parameters(block)
            for p in params:
                if p not in documented:
                    missing.append("parameter `%s`" % p)
            if throws and not documents_throws(block):
                missing.append("- Throws:")
            # What DocC warns about besides: parameters the declaration does not have (often the external label
            # instead of the internal name), parameters documented twice, and a return value of a function that
            # returns nothing.
            for p in sorted(set(documented)):
                if p not in params:
                    extra.append("documents parameter `%s`, which the declaration does not have" % p)
                elif documented.count(p) > 1:
                    extra.append("documents parameter `%s` %d times" % (p, documented.count(p)))
            if not returns and kind == "func" and documents_returns(block):
                extra.append("documents - Returns: for a function that returns nothing")
        if missing or extra:
            incomplete += 1
        if missing:
            problems.append("%s:%d: %s: missing %s" % (display, keyword_line + 1, label, ", ".join(missing)))
        for e in extra:
            problems.append("%s:%d: %s: %s" % (display, keyword_line + 1, label, e))
    return found, incomplete, problems


def swift_files(root):
    if os.path.isfile(root):
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith(".swift"):
                yield os.path.join(dirpath, fn)


def skipped(display):
    return any(display == s or display.startswith(s.rstrip("/") + "/") for s in SKIP)


def main(argv):
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots = argv[1:] or [os.path.join(package, r) for r in DEFAULT_ROOTS]
    total = 0
    incomplete = 0
    problems = []
    for root in roots:
        if not os.path.exists(root):
            print("doccheck: no such file or directory: %s" % root, file=sys.stderr)
            return 2
        for path in swift_files(root):
            display = os.path.relpath(path, package) if not argv[1:] else path
            display = display.replace(os.sep, "/")
            if skipped(os.path.relpath(path, package).replace(os.sep, "/")):
                continue
            count, bad, found = check_file(path, display)
            total += count
            incomplete += bad
            problems.extend(found)
    if problems:
        for p in problems:
            print(p, flush=True)
        print("%d of %d public functions incompletely documented" % (incomplete, total), file=sys.stderr)
        return 1
    print("%d public functions documented" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
