using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Reflection;
using System.Runtime.Intrinsics;
using LayerGen.Generator.Autodiff;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Tests.Infrastructure;
using LayerGen.Kernels;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The op table (<see cref="OpTable"/>, <see cref="Elementwise"/>) against everything else that must agree with it:
/// every op the parser accepts exists in the runtime (its eager implementation, found by reflection) and in
/// docs/ops.md, every element-wise row has a vector-Jacobian product and the <c>KernelMath</c> forms its spelling
/// calls, every IR kind has a rule — and the other way round, every public op of <c>Ops</c> is accepted by the parser
/// or listed below as deliberately not compilable.
/// </summary>
public sealed class OpTableTests
{
    /// <summary>Public methods of <c>Ops</c> a forward definition may not use, and why.</summary>
    private static readonly Dictionary<string, string> NotCompilable = new(StringComparer.Ordinal)
    {
        ["DropoutMode"] = "sets the eager path's dropout mode for a scope; not an op on tensors (a layer's Train/Eval sets it)",
    };

    private static readonly Dictionary<string, string> OperatorMethods = new(StringComparer.Ordinal)
    {
        ["+"] = "op_Addition",
        ["-"] = "op_Subtraction",
        ["*"] = "op_Multiply",
        ["/"] = "op_Division",
        [">"] = "op_GreaterThan",
        ["<"] = "op_LessThan",
        [">="] = "op_GreaterThanOrEqual",
        ["<="] = "op_LessThanOrEqual",
    };

    public static TheoryData<string> Ops() => new(OpTable.All.Select(o => Describe(o)).Distinct());

    [Theory]
    [MemberData(nameof(Ops))]
    public void Every_op_the_parser_accepts_has_its_eager_implementation_in_the_runtime(string op)
    {
        OpInfo info = Find(op);
        var members = info.Form switch
        {
            WrittenForm.OpsFunction => typeof(LayerGen.Ops).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == info.Name).Cast<MemberInfo>(),
            WrittenForm.TensorMethod => typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == info.Name),
            WrittenForm.TensorProperty => typeof(Tensor).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name == info.Name && p.PropertyType == typeof(Tensor)),
            WrittenForm.Operator => typeof(Tensor).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Where(m => m.Name == (info.Operands == 1 && info.Name == "-" ? "op_UnaryNegation" : OperatorMethods[info.Name])),
            _ => throw new InvalidOperationException(info.Form.ToString()),
        };
        var found = members.ToList();
        Assert.True(found.Count > 0, $"{info.Spelled}: the parser accepts it, but the runtime has no such member (its eager implementation)");
        if (info.Form == WrittenForm.OpsFunction)
        {
            // Ops.X takes the tensors first (Concat, Stack and Einsum take a leading constant and a params array).
            int tensors = found.Cast<MethodInfo>().Max(m => m.GetParameters().Count(p => p.ParameterType == typeof(Tensor) || p.ParameterType == typeof(Tensor[])));
            Assert.True(info.Variadic || tensors >= info.Operands || info.NumbersAreOperands, $"{info.Spelled} takes {info.Operands} tensors in the table but at most {tensors} in Ops");
        }
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Every_op_the_parser_accepts_is_in_docs_ops_md(string op)
    {
        OpInfo info = Find(op);
        string docs = RepositoryFiles.Read("docs/ops.md");
        string[] spellings = info.Form switch
        {
            WrittenForm.OpsFunction => [$"Ops.{info.Name}("],
            WrittenForm.TensorMethod => [$".{info.Name}(", $"`{info.Name}`"],
            WrittenForm.TensorProperty => [$".{info.Name}`"],
            _ => info.Operands == 1 ? [$"`{info.Name}a`"] : [$"`a {info.Name} b`"],
        };
        Assert.True(spellings.Any(s => docs.Contains(s, StringComparison.Ordinal)), $"{info.Spelled} is accepted by the parser but docs/ops.md does not show it (looked for {string.Join(" or ", spellings)})");
    }

    public static TheoryData<string> Rows() => new(Elementwise.All.Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Rows))]
    public void Every_element_wise_row_has_a_vjp_and_the_KernelMath_forms_its_spelling_calls(string name)
    {
        Elementwise function = Elementwise.All.Single(f => f.Name == name);
        Assert.NotNull(function.Gradient);
        Assert.All(function.NoGradientTo, a => Assert.InRange(a, 0, function.Arity - 1));
        if (function.Spelling.KernelMathMethod is not { } method)
        {
            return; // an operator or an identity: C# itself
        }

        // One overload per lane width the kernels use: the scalar tail, Vector<float>, and Vector512 (the AVX-512 pass).
        foreach (Type lane in new[] { typeof(float), typeof(Vector<float>), typeof(Vector512<float>) })
        {
            Type[] parameters = [.. Enumerable.Repeat(lane, function.Arity), .. Enumerable.Repeat(typeof(float), function.AttributeNames.Count)];
            MethodInfo? overload = typeof(KernelMath).GetMethod(method, BindingFlags.Public | BindingFlags.Static, parameters);
            Assert.True(overload is not null && overload.ReturnType == lane, $"{name}'s spelling calls KernelMath.{method}({string.Join(", ", parameters.Select(p => p.Name))}), which does not exist");
        }
    }

    [Fact]
    public void Every_attribute_is_named_as_the_runtime_methods_parameter()
    {
        foreach (OpInfo info in OpTable.All.Where(o => o.Function is { AttributeNames.Count: > 0 }))
        {
            Type type = info.Form == WrittenForm.OpsFunction ? typeof(LayerGen.Ops) : typeof(Tensor);
            var names = type.GetMethods().Where(m => m.Name == info.Name).SelectMany(m => m.GetParameters()).Select(p => p.Name).ToHashSet();
            Assert.All(info.Function!.AttributeNames, a => Assert.True(names.Contains(a), $"{info.Spelled}: attribute '{a}' is no parameter of the runtime method"));
        }
    }

    [Fact]
    public void Every_kind_of_IR_node_has_a_vjp_rule_and_an_unknown_kind_throws()
    {
        foreach (Op op in Enum.GetValues<Op>())
        {
            var node = new Node(0, op, Array.Empty<int>(), Shape.Scalar) { Function = op == Op.Elementwise ? Elementwise.Tanh : null };
            Assert.NotNull(VjpRules.For(node));
        }

        Assert.Throws<InvalidOperationException>(() => VjpRules.For(new Node(0, (Op)999, Array.Empty<int>(), Shape.Scalar)));
        Assert.Throws<InvalidOperationException>(() => VjpRules.For(new Node(0, Op.Elementwise, Array.Empty<int>(), Shape.Scalar)));
    }

    [Fact]
    public void Every_public_op_of_Ops_is_accepted_by_the_parser_or_listed_as_not_compilable()
    {
        var accepted = OpTable.All.Where(o => o.Form == WrittenForm.OpsFunction).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var missing = typeof(LayerGen.Ops).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName) // DropoutTraining's accessors: a property, not an op
            .Select(m => m.Name)
            .Distinct()
            .Where(n => !accepted.Contains(n) && !NotCompilable.ContainsKey(n))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(missing.Count == 0, $"public ops of Ops the parser does not accept and NotCompilable does not list: {string.Join(", ", missing)}");
        Assert.All(NotCompilable.Keys, n => Assert.DoesNotContain(n, accepted));
    }

    [Fact]
    public void The_table_has_no_duplicate_spelling()
    {
        var duplicates = OpTable.All
            .GroupBy(o => (o.Form, o.Name, o.Operands, o.Function?.Arity, o.Construct))
            .Where(g => g.Count() > 1)
            .Select(g => g.First().Spelled)
            .ToList();
        Assert.Empty(duplicates);
    }

    private static string Describe(OpInfo info) => $"{info.Spelled}/{info.Operands}";

    private static OpInfo Find(string op) => OpTable.All.First(o => Describe(o) == op);
}
