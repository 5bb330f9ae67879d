"""Helpers the catalog generators share for writing C++ constant tables."""


def CxxString(data):
    """A C++ string literal with the bytes of `data` (bytes, or str as UTF-8).

    Printable ASCII stays readable; everything else is an octal escape, and
    '?' is escaped so no trigraph can form.
    """
    if isinstance(data, str):
        data = data.encode('utf-8')
    out = []
    for byte in data:
        char = chr(byte)
        if char == '\\':
            out.append('\\\\')
        elif char == '"':
            out.append('\\"')
        elif char == '\n':
            out.append('\\n')
        elif char == '?':
            out.append('\\?')
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append('\\%03o' % byte)
    return '"' + ''.join(out) + '"'


def Rows(items, per_line):
    """`items` as initialiser lines, `per_line` to a line, each ending in a comma."""
    lines = []
    for start in range(0, len(items), per_line):
        lines.append('    ' + ', '.join(items[start:start + per_line]) + ',')
    return '\n'.join(lines)
