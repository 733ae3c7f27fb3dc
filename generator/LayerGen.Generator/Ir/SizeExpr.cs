using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace LayerGen.Generator.Ir;

/// <summary>
/// A size computed from the layer's <c>int</c> constructor parameters — <c>n</c>, <c>n + m</c>, <c>d / heads</c>,
/// <c>2 * steps - 1</c> — in a <b>normal form</b>, so that two ways of writing one size are one value:
/// a sum of terms, each an integer coefficient times a product of factors; a factor is a parameter, or a
/// quotient or remainder that does not simplify (<c>d / heads</c> is a factor of its own: C# rounds it down,
/// so <c>heads * (d / heads)</c> is not <c>d</c> unless <c>d % heads == 0</c>, which only a run-time check knows).
/// Terms and factors are kept in ordinal order of their text, so equal normal forms print equally and
/// <see cref="Equals(SizeExpr)"/> is a comparison of that text.
/// </summary>
/// <remarks>
/// A quotient simplifies when it is exact for every value of the parameters: both sides constant, or the divisor
/// one term that divides every term of the dividend (<c>(2 * n) / 2</c> is <c>n</c>, <c>(n * h) / h</c> is <c>n</c>;
/// sizes are positive). Arithmetic is C#'s <c>int</c> arithmetic, which the kernels evaluate; the names are
/// whatever the expression was built with (the user's parameter names, or the kernels' names after
/// <see cref="Rename"/>).
/// </remarks>
internal sealed class SizeExpr : IEquatable<SizeExpr>
{
    private static readonly Factor[] NoFactors = Array.Empty<Factor>();

    private readonly Term[] _terms;

    private SizeExpr(Term[] terms)
    {
        _terms = terms;
        Key = string.Join(" + ", terms.Select(t => t.Key));
    }

    /// <summary>The normal form as text (every name as written); what equality compares.</summary>
    private string Key { get; }

    public static SizeExpr Constant(long value) => value == 0 ? new SizeExpr(Array.Empty<Term>()) : new SizeExpr(new[] { new Term(value, NoFactors) });

    public static SizeExpr Symbol(string name) => new(new[] { new Term(1, new[] { Factor.Symbol(name) }) });

    /// <summary>True when the size does not depend on any parameter.</summary>
    public bool IsConstant => _terms.All(t => t.Factors.Length == 0);

    /// <summary>The constant's value (0 for an expression that is not one; check <see cref="IsConstant"/>).</summary>
    public long ConstantValue => _terms.Where(t => t.Factors.Length == 0).Sum(t => t.Coefficient);

    /// <summary>When the size is one parameter and nothing else: its name.</summary>
    public string? SingleSymbol => _terms.Length == 1 && _terms[0].Coefficient == 1 && _terms[0].Factors.Length == 1 && _terms[0].Factors[0].Name is { } name ? name : null;

    /// <summary>True when no factor is a quotient or remainder: a plain polynomial of the parameters, which never rounds.</summary>
    public bool IsPolynomial => _terms.All(t => t.Factors.All(f => f.Name is not null));

    /// <summary>The quotients of sizes it holds that do not simplify (<c>d / heads</c>), each as its dividend and divisor.</summary>
    public IEnumerable<(SizeExpr Dividend, SizeExpr Divisor)> Quotients =>
        _terms.SelectMany(t => t.Factors).Select(f => f.IsQuotient(out var a, out var b) ? (a, b) : default).Where(q => q.a is not null).Select(q => (q.a!, q.b!));

    /// <summary>The C# of the size in the names it holds (<see cref="CodeWith"/>).</summary>
    public string Code() => CodeWith(s => s);

    /// <summary>
    /// True when the size is below zero whatever positive values the parameters take: a negative constant, or a
    /// polynomial whose every coefficient is negative (<c>-k</c>, <c>-2 * n - 1</c>). An index written so counts from
    /// the end, as in Python.
    /// </summary>
    public bool IsNegative => _terms.Length > 0 && IsPolynomial && _terms.All(t => t.Coefficient < 0);

    /// <summary>The parameters the size reads.</summary>
    public IEnumerable<string> Symbols => _terms.SelectMany(t => t.Factors).SelectMany(f => f.Symbols).Distinct();

    public static SizeExpr operator +(SizeExpr a, SizeExpr b) => Sum(a._terms.Concat(b._terms));

    public static SizeExpr operator -(SizeExpr a) => new(a._terms.Select(t => new Term(-t.Coefficient, t.Factors)).ToArray());

    public static SizeExpr operator -(SizeExpr a, SizeExpr b) => a + (-b);

    public static SizeExpr operator *(SizeExpr a, SizeExpr b) =>
        Sum(a._terms.SelectMany(x => b._terms.Select(y => new Term(x.Coefficient * y.Coefficient, Sorted(x.Factors.Concat(y.Factors))))));

    /// <summary>C#'s <c>a / b</c> on sizes: exact where it can be (see the remarks on the class), otherwise a factor of its own.</summary>
    /// <exception cref="DivideByZeroException">When <paramref name="b"/> is the constant 0 (callers check first).</exception>
    public static SizeExpr Divide(SizeExpr a, SizeExpr b)
    {
        if (b.IsConstant && b.ConstantValue == 0)
        {
            throw new DivideByZeroException("a size divided by zero");
        }

        if (a.IsConstant && b.IsConstant)
        {
            return Constant(a.ConstantValue / b.ConstantValue);
        }

        return ExactQuotient(a, b) ?? new SizeExpr(new[] { new Term(1, new[] { Factor.Quotient(a, b) }) });
    }

    /// <summary>C#'s <c>a % b</c> on sizes: a constant where it can be (0 for an exact quotient), otherwise a factor of its own.</summary>
    public static SizeExpr Remainder(SizeExpr a, SizeExpr b)
    {
        if (b.IsConstant && b.ConstantValue == 0)
        {
            throw new DivideByZeroException("a size divided by zero");
        }

        if (a.IsConstant && b.IsConstant)
        {
            return Constant(a.ConstantValue % b.ConstantValue);
        }

        return ExactQuotient(a, b) is not null ? Constant(0) : new SizeExpr(new[] { new Term(1, new[] { Factor.Remainder(a, b) }) });
    }

    /// <summary>The size with every parameter replaced by what <paramref name="value"/> says it is (a child's sizes in its parent's terms).</summary>
    public SizeExpr Substitute(Func<string, SizeExpr> value) =>
        _terms.Aggregate(Constant(0), (sum, term) => sum + term.Factors.Aggregate(Constant(term.Coefficient), (product, factor) => product * factor.Substitute(value)));

    /// <summary>The same size with every parameter's name replaced (the user's names → the kernels' names).</summary>
    public SizeExpr Rename(Func<string, string> name) => Substitute(s => Symbol(name(s)));

    /// <summary>The value for the given parameters, computed as C# computes the code (division rounds toward zero).</summary>
    public long Evaluate(Func<string, long> value) =>
        _terms.Sum(t => t.Factors.Aggregate(t.Coefficient, (product, factor) => product * factor.Evaluate(value)));

    /// <summary>
    /// The size as C#, each parameter written by <paramref name="name"/>; parenthesised unless it is a single name or a
    /// non-negative constant, so it can stand as an operand anywhere (<c>rows * (n + m)</c>).
    /// </summary>
    public string CodeWith(Func<string, string> name)
    {
        if (_terms.Length == 0)
        {
            return "0";
        }

        if (_terms.Length == 1 && _terms[0].Factors.Length == 0 && _terms[0].Coefficient >= 0)
        {
            return Number(_terms[0].Coefficient);
        }

        if (_terms.Length == 1 && _terms[0].Coefficient == 1 && _terms[0].Factors.Length == 1)
        {
            return _terms[0].Factors[0].CodeWith(name);
        }

        var text = new System.Text.StringBuilder("(");
        for (int i = 0; i < _terms.Length; i++)
        {
            var term = _terms[i];
            long magnitude = Math.Abs(term.Coefficient);
            text.Append(i == 0 ? (term.Coefficient < 0 ? "-" : string.Empty) : (term.Coefficient < 0 ? " - " : " + "));
            var parts = term.Factors.Select(f => f.CodeWith(name)).ToList();
            if (magnitude != 1 || parts.Count == 0)
            {
                parts.Insert(0, Number(magnitude));
            }

            text.Append(string.Join(" * ", parts));
        }

        return text.Append(')').ToString();
    }

    /// <summary>The size as C# in the names it holds, without outer parentheses (<c>n + m</c>, <c>d / heads</c>): what a model stores and <see cref="Parse"/> reads back.</summary>
    public string Text => Unparenthesised(CodeWith(s => s));

    /// <summary>The size as the user reads it (<c>n + m</c>, <c>d/heads</c>): C# without the outer parentheses, a lone quotient without spaces.</summary>
    public override string ToString()
    {
        if (_terms.Length == 1 && _terms[0].Coefficient == 1 && _terms[0].Factors.Length == 1 && _terms[0].Factors[0].IsQuotient(out var a, out var b)
            && a.CodeWith(s => s) is var left && b.CodeWith(s => s) is var right && !left.StartsWith("(", StringComparison.Ordinal) && !right.StartsWith("(", StringComparison.Ordinal))
        {
            return left + "/" + right;
        }

        return Unparenthesised(CodeWith(s => s));
    }

    /// <summary>
    /// Reads a size written as text (<c>n + m</c>, <c>(d / heads)</c>, <c>2 * n - 1</c>): integers, names,
    /// <c>+ - * / %</c>, unary minus and parentheses. Null when the text is not of that form or divides by zero.
    /// </summary>
    public static SizeExpr? Parse(string text) => SizeTextParser.Parse(text);

    public bool Equals(SizeExpr? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as SizeExpr);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Unparenthesised(string code)
    {
        if (code.Length < 2 || code[0] != '(' || code[code.Length - 1] != ')')
        {
            return code;
        }

        // Only when the first parenthesis closes at the very end: "(a / b) * (c / d)" keeps its own.
        int depth = 0;
        for (int i = 0; i < code.Length - 1; i++)
        {
            depth += code[i] == '(' ? 1 : code[i] == ')' ? -1 : 0;
            if (depth == 0)
            {
                return code;
            }
        }

        return code.Substring(1, code.Length - 2);
    }

    private static Factor[] Sorted(IEnumerable<Factor> factors) => factors.OrderBy(f => f.Key, StringComparer.Ordinal).ToArray();

    /// <summary>Like terms collected, zero terms dropped, constants last and the rest in ordinal order.</summary>
    private static SizeExpr Sum(IEnumerable<Term> terms)
    {
        var collected = new Dictionary<string, Term>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            string monomial = Term.MonomialKey(term.Factors);
            collected[monomial] = collected.TryGetValue(monomial, out var same) ? new Term(same.Coefficient + term.Coefficient, term.Factors) : term;
        }

        return new SizeExpr(collected.Values
            .Where(t => t.Coefficient != 0)
            .OrderBy(t => t.Factors.Length == 0 ? 1 : 0)
            .ThenBy(t => Term.MonomialKey(t.Factors), StringComparer.Ordinal)
            .ToArray());
    }

    /// <summary><paramref name="a"/> / <paramref name="b"/> when it is exact for every positive value of the parameters; else null.</summary>
    private static SizeExpr? ExactQuotient(SizeExpr a, SizeExpr b)
    {
        if (b._terms.Length != 1)
        {
            return a.Equals(b) ? Constant(1) : null;
        }

        var divisor = b._terms[0];
        var quotient = new List<Term>();
        foreach (var term in a._terms)
        {
            if (term.Coefficient % divisor.Coefficient != 0)
            {
                return null;
            }

            var rest = term.Factors.ToList();
            foreach (var factor in divisor.Factors)
            {
                int at = rest.FindIndex(f => f.Key == factor.Key);
                if (at < 0)
                {
                    return null;
                }

                rest.RemoveAt(at);
            }

            quotient.Add(new Term(term.Coefficient / divisor.Coefficient, rest.ToArray()));
        }

        return Sum(quotient);
    }

    /// <summary>A coefficient times a product of factors (sorted).</summary>
    private sealed class Term
    {
        public Term(long coefficient, Factor[] factors)
        {
            Coefficient = coefficient;
            Factors = factors;
            Key = factors.Length == 0 ? Number(coefficient) : Number(coefficient) + "*" + MonomialKey(factors);
        }

        public long Coefficient { get; }

        public Factor[] Factors { get; }

        public string Key { get; }

        public static string MonomialKey(Factor[] factors) => string.Join("*", factors.Select(f => f.Key));
    }

    /// <summary>A parameter, or a quotient or remainder that does not simplify.</summary>
    private sealed class Factor
    {
        private readonly char _operator;
        private readonly SizeExpr? _left;
        private readonly SizeExpr? _right;

        private Factor(string? name, char op, SizeExpr? left, SizeExpr? right)
        {
            Name = name;
            _operator = op;
            _left = left;
            _right = right;
            // Parameters sort before quotients and remainders: heads * steps * (d / heads).
            Key = name ?? $"{{({left!.Key}){op}({right!.Key})";
        }

        public string? Name { get; }

        public string Key { get; }

        public IEnumerable<string> Symbols => Name is not null ? new[] { Name } : _left!.Symbols.Concat(_right!.Symbols);

        public static Factor Symbol(string name) => new(name, ' ', null, null);

        public static Factor Quotient(SizeExpr a, SizeExpr b) => new(null, '/', a, b);

        public static Factor Remainder(SizeExpr a, SizeExpr b) => new(null, '%', a, b);

        public bool IsQuotient(out SizeExpr a, out SizeExpr b)
        {
            a = _left!;
            b = _right!;
            return _operator == '/';
        }

        public SizeExpr Substitute(Func<string, SizeExpr> value) => Name is not null
            ? value(Name)
            : _operator == '/' ? SizeExpr.Divide(_left!.Substitute(value), _right!.Substitute(value)) : SizeExpr.Remainder(_left!.Substitute(value), _right!.Substitute(value));

        public long Evaluate(Func<string, long> value)
        {
            if (Name is not null)
            {
                return value(Name);
            }

            long a = _left!.Evaluate(value), b = _right!.Evaluate(value);
            return b == 0 ? 0 : _operator == '/' ? a / b : a % b;
        }

        public string CodeWith(Func<string, string> name) =>
            Name is not null ? name(Name) : $"({_left!.CodeWith(name)} {_operator} {_right!.CodeWith(name)})";
    }
}
