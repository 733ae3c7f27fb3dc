using System.IO;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

public sealed class ScratchDump
{
    private static void Dump(string name, params string[] sources)
    {
        var run = GeneratorHarness.Run<LayerGenerator>(sources);
        var text = new System.Text.StringBuilder();
        text.AppendLine("EXC: " + run.Exception);
        foreach (var d in run.GeneratorDiagnostics) text.AppendLine($"GEN {d.Id} {d.Severity} {d.Location.SourceSpan} '{d.Location.SourceTree?.ToString().Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}' :: {d.GetMessage()}");
        foreach (var d in run.CompilationDiagnostics) text.AppendLine("COMP " + d);
        foreach (var (k, v) in run.GeneratedSources) { text.AppendLine("=== " + k); text.AppendLine(v); }
        File.WriteAllText($"/tmp/lg/{name}.txt", text.ToString());
    }

    const string U = "using LayerGen;\nnamespace Demo;\n";

    [Fact]
    public void All()
    {
        Dump("centered", U + "[Layer] public partial class CenteredLayer { Tensor Forward(Tensor x) => x - x.Mean(); }");
        Dump("notpartial", U + "[Layer] public class A { Tensor Forward(Tensor x) => x; }");
        Dump("noforward", U + "[Layer] public partial class A { }");
        Dump("foo", U + "[Layer] public partial class A { Tensor Forward(Tensor x) => x.Foo(); }");
        Dump("unknowncall", U + "[Layer] public partial class A { Tensor Forward(Tensor x) => Helper.Go(x); } static class Helper { public static Tensor Go(Tensor t) => t; }");
        Dump("forloop", U + "[Layer] public partial class A { Tensor Forward(Tensor x) { for (int i = 0; i < 2; i++) { } return x; } }");
        Dump("ifstmt", U + "[Layer] public partial class A { Tensor Forward(Tensor x) { if (true) { } return x; } }");
        Dump("noinit", U + "[Layer] public partial class A { [Parameter] Tensor w; Tensor Forward(Tensor x) => x * w; }");
        Dump("make", U + "[Layer] public partial class A { [Parameter] Tensor w = Make(); static Tensor Make() => Tensor.Zeros(3); Tensor Forward(Tensor x) => x * w; }");
        Dump("bias", U + "[Layer] public partial class A { [Parameter] Tensor weight = Tensor.Randn(4, 8); [Parameter] Tensor bias = Tensor.Randn(7); Tensor Forward(Tensor x) => x.MatMul(weight) + bias; }");
        Dump("inner", U + "[Layer] public partial class A { [Parameter] Tensor a = Tensor.Randn(4, 8); [Parameter] Tensor b = Tensor.Randn(5, 3); Tensor Forward(Tensor x) => x.MatMul(a).MatMul(b); }");
        Dump("inner2", U + "[Layer] public partial class A { [Parameter] Tensor a = Tensor.Randn(4, 8); [Parameter] Tensor b = Tensor.Randn(5, 3); Tensor Forward(Tensor x) => x.MatMul(a) + a.MatMul(b).Sum(); }");
        Dump("scalar", U + "[Layer] public partial class A { Tensor Forward(Tensor x) => x.Sum(); }");
        Dump("intfwd", U + "[Layer] public partial class A { int Forward(Tensor x) => 1; }");
        Dump("floatctor", U + "[Layer] public partial class A(int n, float scale) { Tensor Forward(Tensor x) => x; }");
        Dump("generic", U + "[Layer] public partial class A<T> { Tensor Forward(Tensor x) => x; }");
        Dump("nested", U + "public partial class Outer { [Layer] public partial class A { Tensor Forward(Tensor x) => x; } }");
        Dump("ctor", U + "[Layer] public partial class A { public A(int n) { } Tensor Forward(Tensor x) => x; }");
    }
}
