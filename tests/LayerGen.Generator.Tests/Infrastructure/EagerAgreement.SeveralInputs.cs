using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using LayerGen.Generated;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// The agreement check for a generated layer whose <c>Forward</c> takes several tensors (an <see cref="ISpanModule"/>,
/// its <c>[LayerSignature]</c> input one shape per input separated by ';'): <c>Call(x, y, ...)</c> against
/// <c>CallEager(x, y, ...)</c> on random inputs sharing a batch of 2, comparing the output (every output of a tuple)
/// and the gradients of its <c>Sum()</c> (the sum of every output's) with respect to every input and parameter.
/// An input of int64 ids (<see cref="ISpanModule.InputIsIds"/>) gets the ids 0, 1, 0, 1, ... (valid for every size the
/// check tries, repeated so that scatter-added gradients must accumulate) and has no gradient.
/// </summary>
public static partial class EagerAgreement
{
    private static void CheckModule(
        Type type, LayerSignatureAttribute signature, Dictionary<string, List<int[]>> constructions,
        List<string> failures, List<string> checkedLines, List<string> skipped)
    {
        string[] sizeNames = signature.Sizes.Length == 0 ? [] : signature.Sizes.Split(", ");
        string[] inputShapes = signature.Input.Split(';', StringSplitOptions.TrimEntries);
        foreach (int[] sizes in SizesToTry(type, sizeNames.Length, constructions))
        {
            string what = Describe(type, sizeNames, sizes);
            if (Construct(type, sizes, what, skipped) is not ISpanModule module)
            {
                continue;
            }

            var features = inputShapes.Select(s => Features(s, sizeNames, sizes)).ToList();
            if (features.Any(f => f is null))
            {
                skipped.Add($"{what}: the input shapes '{signature.Input}' of its [LayerSignature] cannot be read");
                return;
            }

            Type[] tensors = Enumerable.Repeat(typeof(Tensor), inputShapes.Length).ToArray();
            MethodInfo? call = type.GetMethod("Call", BindingFlags.Public | BindingFlags.Instance, tensors);
            MethodInfo? eager = type.GetMethod("CallEager", BindingFlags.Public | BindingFlags.Instance, tensors);
            if (call is null || eager is null)
            {
                failures.Add($"  {what}: the generated layer has no Call and CallEager of {inputShapes.Length} tensors");
                return;
            }

            module.Train(false);
            var shapes = features.Select(f => (int[])[2, .. f!]).ToList();
            var values = shapes.Select((s, i) => RandomValues(Count(s), StableSeed(what + "/" + i), -1f, 1f)).ToList();
            string on = string.Join(" and ", shapes.Select(s => Shape(s)));
            var ofCall = RunModule(what, on, "Call", module, call, shapes, values, failures);
            var ofEager = RunModule(what, on, "CallEager", module, eager, shapes, values, failures);
            if (ofCall is { } c && ofEager is { } e)
            {
                string where = $"  {what} on inputs {on}";
                for (int k = 0; k < e.Outputs.Length; k++)
                {
                    if (c.Outputs.Length != e.Outputs.Length || !c.Outputs[k].Shape.SequenceEqual(e.Outputs[k].Shape))
                    {
                        failures.Add($"{where}: Call and CallEager give outputs of different shapes");
                        return;
                    }

                    Compare($"{where}, output {k} {Shape(e.Outputs[k].Shape)}", c.Outputs[k].ToArray(), e.Outputs[k].ToArray(), e.Outputs[k].Shape.ToArray(), failures);
                }

                for (int i = 0; i < shapes.Count; i++)
                {
                    Compare($"{where}, d Sum()/d input {i} {Shape(shapes[i])}", c.Grads[i], e.Grads[i], shapes[i], failures);
                }

                for (int p = 0; p < c.ParameterGrads.Count; p++)
                {
                    Compare($"{where}, d Sum()/d {c.ParameterGrads[p].Name}", c.ParameterGrads[p].Grad, e.ParameterGrads[p].Grad, null, failures);
                }
            }

            checkedLines.Add($"{what} on {on}");
        }
    }

    private static (Tensor[] Outputs, List<float[]?> Grads, List<(string Name, float[]? Grad)> ParameterGrads)? RunModule(
        string what, string on, string path, ISpanModule module, MethodInfo method, List<int[]> shapes, List<float[]> values, List<string> failures)
    {
        module.ZeroGrad();
        var inputs = shapes.Select((s, i) => module.InputIsIds(i)
            ? Tensor.FromIds(Enumerable.Range(0, values[i].Length).Select(k => (long)(k % 2)).ToArray(), s)
            : Tensor.From((float[])values[i].Clone(), s)).ToArray();
        foreach (var input in inputs.Where(t => t.DType == DType.Float32))
        {
            input.RequiresGrad = true;
        }

        try
        {
            // One tensor, or a tuple of them (then the loss sums every output's Sum(): gradients flow back from all).
            object result = Invoke(method, module, inputs);
            Tensor[] outputs = result is System.Runtime.CompilerServices.ITuple tuple
                ? Enumerable.Range(0, tuple.Length).Select(i => (Tensor)tuple[i]!).ToArray()
                : [(Tensor)result];
            Tensor? loss = null;
            foreach (Tensor y in outputs.Where(y => y.RequiresGrad))
            {
                loss = loss is null ? y.Sum() : loss + y.Sum();
            }

            loss?.Backward();
            return (outputs, inputs.Select(t => t.Grad?.ToArray()).ToList(), module.NamedParameters().Select(p => (p.Key, p.Value.Grad?.ToArray())).ToList());
        }
        catch (Exception e)
        {
            failures.Add($"  {what} on inputs {on}: {path} (or the backward of its Sum()) threw {Unwrap(e)}");
            return null;
        }
    }
}
