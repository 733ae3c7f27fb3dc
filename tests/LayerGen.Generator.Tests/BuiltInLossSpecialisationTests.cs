using System;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// <c>new CrossEntropyLoss(10)</c> (and with <c>Reduction.Sum</c>) in a user's program runs a cross-entropy kernel with
/// the number of classes constant, emitted into the user's assembly: KernelName shows it, and the loss and its input
/// gradient agree with the eager path and with the same definition's run-time-bounded kernel.
/// </summary>
public sealed class BuiltInLossSpecialisationTests
{
    // Class counts no other test uses: the registry is one per process.
    private const string User = """
        using LayerGen;

        namespace BuiltInLosses;

        /// <summary>CrossEntropyMeanKernel's definition, constructed below with run-time sizes only: the run-time-bounded kernel, as an oracle.</summary>
        [Loss(Input = "[*, classes]")]
        public partial class RunTimeCrossEntropy(int classes)
        {
            Tensor Forward(Tensor input, Tensor target) => -Ops.Pick(Ops.LogSoftmax(input, -1), target).Mean();
        }

        /// <summary>The same, summed.</summary>
        [Loss(Input = "[*, classes]")]
        public partial class RunTimeCrossEntropySum(int classes)
        {
            Tensor Forward(Tensor input, Tensor target) => -Ops.Pick(Ops.LogSoftmax(input, -1), target).Sum();
        }

        public static class Use
        {
            public static ILoss Mean() => new CrossEntropyLoss(23);

            public static ILoss Sum() => new CrossEntropyLoss(19, Reduction.Sum);

            public static ILoss NotConstant(int classes) => new CrossEntropyLoss(classes);

            public static ILoss Reference(int classes, bool sum) => sum ? new RunTimeCrossEntropySum(classes) : new RunTimeCrossEntropy(classes);
        }
        """;

    [Fact]
    public void What_is_emitted_for_constant_cross_entropy_constructions()
    {
        var run = GeneratorHarness.Run<LayerGenerator>(User);
        run.AssertClean();
        Assert.Contains("Register(\"LayerGen.Losses.CrossEntropyMeanKernel\", [23]", run.Source("CrossEntropyMeanKernelSpecialisations.g.cs"));
        string sum = run.Source("CrossEntropySumKernelSpecialisations.g.cs");
        Assert.Contains("Register(\"LayerGen.Losses.CrossEntropySumKernel\", [19]", sum);
        Assert.DoesNotContain("[23]", sum);
    }

    [Theory]
    [InlineData("Mean", 1)]
    [InlineData("Mean", 12)]
    [InlineData("Sum", 5)]
    public void A_constant_cross_entropy_runs_its_constant_kernel_and_agrees_with_eager_and_run_time_kernels(string make, int rows)
    {
        var (assembly, context) = BuiltInSpecialisationTests.CompileAndLoad(User);
        try
        {
            Type use = assembly.GetType("BuiltInLosses.Use", throwOnError: true)!;
            var loss = (ILoss)use.GetMethod(make)!.Invoke(null, null)!;
            int classes = loss.InputRowLength;
            string kernel = make == "Sum" ? "CrossEntropySumKernel" : "CrossEntropyMeanKernel";
            Assert.Equal($"{kernel}[classes={classes}]", loss.KernelName);
            var reference = (ILoss)use.GetMethod("Reference")!.Invoke(null, [classes, make == "Sum"])!;
            Assert.Equal($"{reference.LossName}[run-time sizes]", reference.KernelName);

            var random = new Random(rows);
            float[] logits = Enumerable.Range(0, rows * classes).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
            float[] labels = Enumerable.Range(0, rows).Select(_ => (float)random.Next(classes)).ToArray();
            var specialised = Run(loss, logits, labels, rows, eager: false);
            var eager = Run(loss, logits, labels, rows, eager: true);
            var runTime = Run(reference, logits, labels, rows, eager: false);
            foreach (var (what, expected) in new[] { ("eager", eager), ("run-time kernel", runTime) })
            {
                BuiltInSpecialisationTests.AssertClose(expected.Loss, specialised.Loss, what + ", loss");
                BuiltInSpecialisationTests.AssertClose(expected.Gradient, specialised.Gradient, what + ", d/dlogits");
            }

            var notConstant = (ILoss)use.GetMethod("NotConstant")!.Invoke(null, [47])!;
            Assert.Equal("CrossEntropyMeanKernel[run-time sizes]", notConstant.KernelName);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>The loss and its gradient with respect to the logits, by the kernels or eagerly.</summary>
    private static (float[] Loss, float[] Gradient) Run(ILoss loss, float[] values, float[] labels, int rows, bool eager)
    {
        var logits = Tensor.From(values, [rows, values.Length / rows]);
        logits.RequiresGrad = true;
        var target = Tensor.From(labels, [rows]);
        Tensor value = eager ? loss.CallEager(logits, target) : loss.Call(logits, target);
        value.Backward();
        return (value.Data.ToArray(), logits.Grad!.Data.ToArray());
    }
}
