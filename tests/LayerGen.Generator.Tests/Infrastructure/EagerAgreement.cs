using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using Xunit;
using LayerGen.Generated;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// The check every clean harness run goes through: the two paths of every layer the generator compiled
/// must accept the same programs and compute the same thing. The run's output (the user's code plus the
/// generated code) is emitted to an in-memory assembly and loaded in a collectible
/// <see cref="AssemblyLoadContext"/> (LayerGen itself resolves to the runtime this test process already
/// loaded), and every generated layer — a type carrying <c>[LayerSignature]</c> — is constructed and
/// run both ways on one random input with one batch dimension of 2, in eval mode: <c>Call</c> (the
/// generated kernels) and <c>CallEager</c> (the forward definition as written, on the eager ops). Both
/// must succeed and agree, and so must the gradients of <c>Sum()</c> of the output with respect to the
/// input and to every parameter. <c>[Loss]</c> types likewise, with a target (values, or class indices
/// when the target has one axis fewer than the input).
/// </summary>
/// <remarks>
/// <para>Sizes: each distinct construction with constant sizes found in the source (<c>new MyLinear(64, 8)</c>,
/// each one has a kernel of its own), or, when there is none, small distinct sizes 3, 4, 5, … (the
/// run-time-bounded kernel). A layer that cannot be set up (no constructor of int sizes, a constructor
/// that throws) is skipped, and why is recorded in <see cref="Outcome.Skipped"/>; nothing else is skipped.</para>
/// <para>A source is checked once however many tests compile it (the outcome, failure included, is cached
/// by the text of the sources). Runs with compile errors are not checked (there is nothing to load), nor
/// are the robustness test's mutated sources, which do not go through the harness.</para>
/// </remarks>
public static partial class EagerAgreement
{
    /// <summary>
    /// Both paths compute in float32 from the same float inputs, but not the same way: the kernels sum in
    /// other orders (vector lanes, the blocked GEMM, the DFT matrix of FftHalf) and evaluate exp, tanh and
    /// sigmoid with float polynomials (≤ 2.5 ulp, docs/ops.md), while the eager ops round once from double.
    /// Each value is a short chain of such operations over at most a few hundred terms of magnitude about 1,
    /// so it may differ by some float roundings (2⁻²⁴ ≈ 6e-8 each) of the largest magnitude involved — not
    /// of the value itself, which may come from cancellation (the input gradient of <c>Softmax(-1).Sum()</c>
    /// is 0 up to roundings of terms of magnitude 1: the inputs are in [−1, 1] and the upstream gradient is 1).
    /// An element therefore passes when |generated − eager| ≤ <see cref="RelativeTolerance"/> · (|eager| + s),
    /// s the largest of 1 and max |eager| over the tensor.
    /// Over every layer of the test-suite the largest difference measured is 1.4e-7 of that (the input
    /// gradient of a softmax entropy); 1e-5, ~170 roundings, leaves 70 times that margin, while a wrong
    /// index, axis or gradient rule moves an element by the order of the scale itself. NaN agrees only
    /// with NaN, an infinity only with the same infinity.
    /// </summary>
    public const double RelativeTolerance = 1e-5;

    /// <summary>Outcomes by the text of the run's sources, so that a source compiled by several tests is checked once.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Outcome>> Outcomes = new(StringComparer.Ordinal);

    private static readonly object RandomGate = new();

    /// <summary>What checking one source found.</summary>
    /// <param name="Failure">Null when every layer agreed; else what disagreed or failed.</param>
    /// <param name="Checked">One line per layer and sizes that ran both ways.</param>
    /// <param name="Skipped">One line per layer that could not be set up, with why.</param>
    public sealed record Outcome(string? Failure, IReadOnlyList<string> Checked, IReadOnlyList<string> Skipped);

    /// <summary>Every outcome so far in this process (for tests of the check).</summary>
    public static IReadOnlyList<Outcome> AllOutcomes =>
        Outcomes.Values.Where(o => o.IsValueCreated).Select(o => o.Value).ToArray();

    /// <summary>The cache key of a run (its sources' text), or null when it generated no layer or loss: nothing to check.</summary>
    public static string? KeyOf(Compilation input, IEnumerable<string> generatedSources) =>
        generatedSources.Any(s => s.Contains("global::LayerGen.ILayer", StringComparison.Ordinal) || s.Contains("global::LayerGen.ILoss", StringComparison.Ordinal)
                                  || s.Contains("global::LayerGen.Generated.ISpanModule", StringComparison.Ordinal))
            ? string.Join("\0", input.SyntaxTrees.Select(t => t.ToString()))
            : null;

    /// <summary>The outcome of checking <paramref name="run"/>'s source, or null when it was not checked.</summary>
    public static Outcome? OutcomeOf(GeneratorRun run) =>
        KeyOf(run.InputCompilation, run.GeneratedSources.Values) is { } key && Outcomes.TryGetValue(key, out Lazy<Outcome>? outcome)
            ? outcome.Value
            : null;

    /// <summary>Whether the source of <paramref name="key"/> has been checked (or is being checked) already.</summary>
    public static bool IsChecked(string key) => Outcomes.ContainsKey(key);

    /// <summary>
    /// Fails the calling test when the layers of <paramref name="run"/> disagree (see the class). Does
    /// nothing when the run cannot be loaded: the generator threw, or the output has compile errors.
    /// </summary>
    /// <param name="run">The harness run.</param>
    /// <param name="key">Its <see cref="KeyOf"/>.</param>
    /// <param name="image">The output compilation, emitted; null to emit it here.</param>
    public static void AssertAgrees(GeneratorRun run, string key, Stream? image)
    {
        if (run.Exception is not null || run.CompilationErrors.Length > 0)
        {
            return;
        }

        Outcome outcome = Outcomes.GetOrAdd(key, _ => new Lazy<Outcome>(() => CheckNow(run, image))).Value;
        if (outcome.Failure is { } failure)
        {
            Assert.Fail(failure);
        }
    }

    private static Outcome CheckNow(GeneratorRun run, Stream? image)
    {
        if (image is null)
        {
            image = new MemoryStream();
            EmitResult emitted = run.OutputCompilation.Emit(image);
            if (!emitted.Success)
            {
                return new Outcome(
                    "The output compiled without errors but could not be emitted:" + Environment.NewLine
                    + string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)),
                    [],
                    []);
            }
        }

        var context = new AssemblyLoadContext("EagerAgreement", isCollectible: true);
        try
        {
            image.Position = 0;
            Assembly assembly = context.LoadFromStream(image);
            Dictionary<string, List<int[]>> constructions = ConstantConstructions(run.OutputCompilation, run.InputCompilation.SyntaxTrees);
            var failures = new List<string>();
            var checkedLines = new List<string>();
            var skipped = new List<string>();
            foreach (Type declared in assembly.GetTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                if (Closed(declared, skipped) is not Type type)
                {
                    continue;
                }

                if (type.GetCustomAttribute<LayerSignatureAttribute>() is { } several && typeof(ISpanModule).IsAssignableFrom(type))
                {
                    CheckModule(type, several, constructions, failures, checkedLines, skipped);
                }
                else if (type.GetCustomAttribute<LayerSignatureAttribute>() is { } signature)
                {
                    CheckLayer(type, signature, constructions, failures, checkedLines, skipped);
                }
                else if (typeof(ILoss).IsAssignableFrom(type) && !type.IsAbstract)
                {
                    CheckLoss(type, constructions, failures, checkedLines, skipped);
                }
            }

            string? failure = failures.Count == 0
                ? null
                : $"Call and CallEager disagree ({failures.Count} problem(s)); every layer the generator compiles must run both ways with the same result:"
                  + Environment.NewLine + string.Join(Environment.NewLine, failures);
            return new Outcome(failure, checkedLines, skipped);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>
    /// A generic layer (or one nested in a generic type) closed with <c>object</c> for every type parameter, which a layer's
    /// kernels do not depend on; null, noted as skipped, when the constraints refuse <c>object</c>. Other types as they are.
    /// </summary>
    private static Type? Closed(Type type, List<string> skipped)
    {
        bool isModule = type.GetCustomAttribute<LayerSignatureAttribute>() is not null || typeof(ILoss).IsAssignableFrom(type);
        if (!type.IsGenericTypeDefinition || !isModule)
        {
            return type;
        }

        try
        {
            return type.MakeGenericType(Enumerable.Repeat(typeof(object), type.GetGenericArguments().Length).ToArray());
        }
        catch (ArgumentException)
        {
            skipped.Add($"{type.FullName}: its type parameters' constraints refuse object");
            return null;
        }
    }

    private static void CheckLayer(
        Type type, LayerSignatureAttribute signature, Dictionary<string, List<int[]>> constructions,
        List<string> failures, List<string> checkedLines, List<string> skipped)
    {
        string[] sizeNames = signature.Sizes.Length == 0 ? [] : signature.Sizes.Split(", ");
        // Sizes read from the input at each call (features nothing fixes) come last and no constructor argument gives them:
        // the input gets small distinct widths for them.
        int runTime = signature.RunTimeSizes.Length == 0 ? 0 : signature.RunTimeSizes.Split(", ").Length;
        foreach (int[] given in SizesToTry(type, sizeNames.Length - runTime, constructions))
        {
            int[] sizes = [.. given, .. Enumerable.Range(5 + given.Length, runTime)];
            string what = Describe(type, sizeNames, sizes);
            if (Construct(type, given, what, skipped) is not ILayer layer)
            {
                continue; // another construction may work
            }

            if (Features(signature.Input, sizeNames, sizes) is not int[] features)
            {
                skipped.Add($"{what}: the input shape '{signature.Input}' of its [LayerSignature] cannot be read");
                return;
            }

            MethodInfo? eager = type.GetMethod("CallEager", BindingFlags.Public | BindingFlags.Instance, [typeof(Tensor)]);
            if (eager is null)
            {
                failures.Add($"  {what}: the generated layer has no CallEager(Tensor)");
                return;
            }

            layer.Train(false);
            int[] inputShape = [2, .. features];
            float[] input = RandomValues(Count(inputShape), StableSeed(what), -1f, 1f);
            RunBoth(
                what,
                layer,
                (Func<Tensor, Tensor>)(x => layer.Call(x)),
                x => (Tensor)Invoke(eager, layer, x),
                inputShape,
                input,
                failures);
            checkedLines.Add($"{what} on {Shape(inputShape)}");
        }
    }

    private static void CheckLoss(
        Type type, Dictionary<string, List<int[]>> constructions,
        List<string> failures, List<string> checkedLines, List<string> skipped)
    {
        ConstructorInfo[] constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);
        ConstructorInfo? sized = constructors.FirstOrDefault(c => c.GetParameters().All(p => p.ParameterType == typeof(int)));
        if (sized is null)
        {
            skipped.Add($"{type.FullName}: no constructor that takes only int sizes");
            return;
        }

        string[] sizeNames = sized.GetParameters().Select(p => p.Name ?? "?").ToArray();
        foreach (int[] sizes in SizesToTry(type, sizeNames.Length, constructions))
        {
            string what = Describe(type, sizeNames, sizes);
            if (Construct(type, sizes, what, skipped) is not ILoss loss)
            {
                continue;
            }

            if (PrivateIntArray(type, loss, "__inputFeatures") is not int[] inputFeatures
                || PrivateIntArray(type, loss, "__targetFeatures") is not int[] targetFeatures)
            {
                skipped.Add($"{what}: the generated loss has no __inputFeatures/__targetFeatures to shape its input and target from");
                return;
            }

            MethodInfo? eager = type.GetMethod("CallEager", BindingFlags.Public | BindingFlags.Instance, [typeof(Tensor), typeof(Tensor)]);
            if (eager is null)
            {
                failures.Add($"  {what}: the generated loss has no CallEager(Tensor, Tensor)");
                return;
            }

            int[] inputShape = [2, .. inputFeatures];
            int[] targetShape = [2, .. targetFeatures];
            int seed = StableSeed(what);
            float[] input = RandomValues(Count(inputShape), seed, -1f, 1f);

            // A target with the input's shape holds values (in [0, 1), so that BCE's targets are
            // probabilities); one with an axis fewer holds class indices along the input's last axis.
            float[] targetValues = targetFeatures.Length == inputFeatures.Length
                ? RandomValues(Count(targetShape), seed + 1, 0f, 1f)
                : RandomValues(Count(targetShape), seed + 1, 0f, 1f)
                    .Select(u => MathF.Floor(u * inputFeatures[^1]))
                    .ToArray();
            Tensor target = Tensor.From(targetValues, targetShape);
            RunBoth(
                what,
                layer: null,
                x => loss.Call(x, target),
                x => (Tensor)Invoke(eager, loss, x, target),
                inputShape,
                input,
                failures);
            checkedLines.Add($"{what} on {Shape(inputShape)}, target {Shape(targetShape)}");
        }
    }

    /// <summary>Runs the generated and the eager forward on the same input, then the backward of Sum(), and compares.</summary>
    private static void RunBoth(
        string what, ILayer? layer, Func<Tensor, Tensor> generated, Func<Tensor, Tensor> eager, int[] inputShape, float[] input, List<string> failures)
    {
        (Tensor Output, float[]? InputGrad, List<(string Name, float[]? Grad)> ParameterGrads)? Run(string path, Func<Tensor, Tensor> forward)
        {
            layer?.ZeroGrad();
            var x = Tensor.From((float[])input.Clone(), inputShape);
            x.RequiresGrad = true;
            Tensor y;
            try
            {
                y = forward(x);
            }
            catch (Exception e)
            {
                failures.Add($"  {what} on input {Shape(inputShape)}: {path} threw {Unwrap(e)}");
                return null;
            }

            try
            {
                if (y.RequiresGrad)
                {
                    y.Sum().Backward();
                }
            }
            catch (Exception e)
            {
                failures.Add($"  {what} on input {Shape(inputShape)}: the backward of {path}(x).Sum() threw {Unwrap(e)}");
                return null;
            }

            var parameters = layer is null
                ? []
                : layer.NamedParameters().Select(p => (p.Key, p.Value.Grad?.ToArray())).ToList();
            return (y, x.Grad?.ToArray(), parameters);
        }

        var ofCall = Run("Call", generated);
        var ofEager = Run("CallEager", eager);
        if (ofCall is not { } c || ofEager is not { } e)
        {
            return;
        }

        string where = $"  {what} on input {Shape(inputShape)}";
        if (!c.Output.Shape.SequenceEqual(e.Output.Shape))
        {
            failures.Add($"{where}: Call gives shape {Shape(c.Output.Shape)}, CallEager {Shape(e.Output.Shape)}");
            return;
        }

        Compare($"{where}, output {Shape(e.Output.Shape)}", c.Output.ToArray(), e.Output.ToArray(), e.Output.Shape.ToArray(), failures);
        Compare($"{where}, d Sum()/d input {Shape(inputShape)}", c.InputGrad, e.InputGrad, inputShape, failures);
        for (int p = 0; p < c.ParameterGrads.Count; p++)
        {
            Compare($"{where}, d Sum()/d {c.ParameterGrads[p].Name}", c.ParameterGrads[p].Grad, e.ParameterGrads[p].Grad, null, failures);
        }
    }

    /// <summary>Records the first element outside the tolerance (a missing gradient counts as zeros).</summary>
    private static void Compare(string what, float[]? generated, float[]? eager, int[]? shape, List<string> failures)
    {
        int length = generated?.Length ?? eager?.Length ?? 0;
        generated ??= new float[length];
        eager ??= new float[length];
        if (generated.Length != eager.Length)
        {
            failures.Add($"{what}: Call gives {generated.Length} values, CallEager {eager.Length}");
            return;
        }

        double scale = 1;
        foreach (float v in eager)
        {
            if (float.IsFinite(v))
            {
                scale = Math.Max(scale, Math.Abs(v));
            }
        }

        for (int i = 0; i < length; i++)
        {
            float g = generated[i], r = eager[i];
            bool agree = float.IsNaN(r) || float.IsNaN(g) || float.IsInfinity(r) || float.IsInfinity(g)
                ? g.Equals(r) // NaN with NaN, an infinity with the same infinity
                : Math.Abs((double)g - r) <= RelativeTolerance * (Math.Abs(r) + scale);
            if (!agree)
            {
                string index = shape is null ? i.ToString(CultureInfo.InvariantCulture) : Index(i, shape);
                failures.Add(
                    $"{what}: first difference at [{index}]: Call {g.ToString("R", CultureInfo.InvariantCulture)}, "
                    + $"CallEager {r.ToString("R", CultureInfo.InvariantCulture)} (tolerance {RelativeTolerance} · (|eager| + {scale.ToString("G4", CultureInfo.InvariantCulture)}))");
                return;
            }
        }
    }

    private static object Invoke(MethodInfo method, object target, params object[] arguments)
    {
        try
        {
            return method.Invoke(target, arguments)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static float[] RandomValues(int count, int seed, float low, float high)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = low + ((high - low) * random.NextSingle());
        }

        return values;
    }


    private static int Count(int[] shape) => shape.Aggregate(1, (product, size) => product * size);

    private static string Shape(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    private static string Index(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] > 0)
            {
                index[d] = flat % shape[d];
                flat /= shape[d];
            }
        }

        return string.Join(", ", index);
    }

    private static string Unwrap(Exception e) =>
        (e is TargetInvocationException { InnerException: { } inner } ? inner : e) is var shown
            ? $"{shown.GetType().Name}: {shown.Message}"
            : string.Empty;
}
