using System;
using System.Globalization;

namespace LayerGen.Generator.Ir;

/// <summary>
/// Reads a size written as text — in <c>[Layer(Input = "[*, n + m]")]</c> and in the size lists a layer's
/// generated signature carries — into a <see cref="SizeExpr"/>: integers, names, <c>+ - * / %</c> with C#'s
/// precedence, unary minus and parentheses.
/// </summary>
internal sealed class SizeTextParser
{
    private readonly string _text;
    private int _at;

    private SizeTextParser(string text) => _text = text;

    /// <summary>The size, or null when the text is not a size expression (or divides by zero).</summary>
    public static SizeExpr? Parse(string text)
    {
        var parser = new SizeTextParser(text);
        try
        {
            var size = parser.Sum();
            parser.SkipSpaces();
            return size is not null && parser._at == text.Length ? size : null;
        }
        catch (DivideByZeroException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private SizeExpr? Sum()
    {
        var left = Product();
        while (left is not null && Next() is '+' or '-')
        {
            char op = _text[_at++];
            var right = Product();
            left = right is null ? null : op == '+' ? left + right : left - right;
        }

        return left;
    }

    private SizeExpr? Product()
    {
        var left = Unary();
        while (left is not null && Next() is '*' or '/' or '%')
        {
            char op = _text[_at++];
            var right = Unary();
            left = right is null ? null : op switch
            {
                '*' => left * right,
                '/' => SizeExpr.Divide(left, right),
                _ => SizeExpr.Remainder(left, right),
            };
        }

        return left;
    }

    private SizeExpr? Unary()
    {
        switch (Next())
        {
            case '-':
                _at++;
                return Unary() is { } negated ? -negated : null;
            case '(':
                _at++;
                var inner = Sum();
                if (inner is null || Next() != ')')
                {
                    return null;
                }

                _at++;
                return inner;
            case char c when char.IsDigit(c):
                int start = _at;
                while (_at < _text.Length && char.IsDigit(_text[_at]))
                {
                    _at++;
                }

                return SizeExpr.Constant(long.Parse(_text.Substring(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture));
            case char c when char.IsLetter(c) || c == '_':
                int first = _at;
                while (_at < _text.Length && (char.IsLetterOrDigit(_text[_at]) || _text[_at] == '_'))
                {
                    _at++;
                }

                return SizeExpr.Symbol(_text.Substring(first, _at - first));
            default:
                return null;
        }
    }

    /// <summary>The next character after spaces, or '\0' at the end.</summary>
    private char Next()
    {
        SkipSpaces();
        return _at < _text.Length ? _text[_at] : '\0';
    }

    private void SkipSpaces()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
        {
            _at++;
        }
    }
}
