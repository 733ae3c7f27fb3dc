using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Emit;

// The members every module has in the generated glue: CallEager (the forward as written, on the eager ops),
// ZeroGrad, train/eval, and the parameter and child listings.
internal sealed partial class LayerEmitter
{
    /// <summary><c>CallEager</c>: the forward definition as written, taking <paramref name="parameters"/> and passing <paramref name="arguments"/>.</summary>
    private void EmitCallEager(SourceWriter w, string parameters, string arguments, string returnType = "Tensor")
    {
        w.Line("/// <summary>Runs the forward definition as written, on the eager reference ops (naive, allocating, for tests); child layers it calls run eagerly too.</summary>");
        using (w.Block($"public {returnType} CallEager({parameters})"))
        {
            foreach (var parameter in _layer.Parameters)
            {
                w.Line($"__AsParameter({parameter.Name});");
            }

            using (w.Block("using (LayerRuntime.EagerScope())"))
            {
                if (KernelEmitter.UsesTraining(_plan))
                {
                    w.Comment("The eager Ops.Dropout follows this layer's train/eval mode, as the generated kernel does.");
                    using (w.Block("using (Ops.DropoutMode(__training))"))
                    {
                        w.Line($"return Forward({arguments});");
                    }
                }
                else
                {
                    w.Line($"return Forward({arguments});");
                }
            }
        }

        w.Line();
    }

    /// <summary>What every module has (<c>IModule</c>): gradient zeroing, train/eval mode, parameters and children.</summary>
    private void EmitModuleMembers(SourceWriter w)
    {
        if (_layer.Parameters.Count == 0 && _layer.Children.Count == 0)
        {
            // Nothing to zero: an empty body rather than ILayer's default, which enumerates (and allocates).
            w.Line("/// <summary>Does nothing: this layer holds no parameters and no children.</summary>");
            w.Line("public void ZeroGrad() { }");
        }
        else
        {
            w.Line("/// <summary>Zeroes the gradients of this layer's parameters and its children's, in place.</summary>");
            using (w.Block("public void ZeroGrad()"))
            {
                foreach (var parameter in _layer.Parameters)
                {
                    w.Line($"{parameter.Name}.ZeroGrad();");
                }

                foreach (var child in _layer.Children)
                {
                    w.Line($"{child.Name}?.ZeroGrad();");
                }
            }
        }

        w.Line();
        w.Comment("Train/eval mode, as torch's module.training: dropout is active only in training mode.");
        w.Line("private bool __training = true;");
        w.Line();
        w.Line("public bool Training => __training;");
        w.Line();
        using (w.Block("public void Train(bool mode = true)"))
        {
            w.Line("__training = mode;");
            foreach (var child in _layer.Children)
            {
                w.Line($"{child.Name}?.Train(mode);");
            }
        }

        w.Line();
        // None to list: the shared empty array, not an iterator object per call.
        if (_layer.Parameters.Count == 0)
        {
            w.Line("public IEnumerable<KeyValuePair<string, Tensor>> LocalParameters() => System.Array.Empty<KeyValuePair<string, Tensor>>();");
        }
        else
        {
            using (w.Block("public IEnumerable<KeyValuePair<string, Tensor>> LocalParameters()"))
            {
                foreach (var parameter in _layer.Parameters)
                {
                    w.Line($"yield return new KeyValuePair<string, Tensor>(\"{parameter.Name}\", __AsParameter({parameter.Name}));");
                }
            }
        }

        w.Line();
        EmitLocalBuffers(w);
        if (_layer.Children.Count == 0)
        {
            w.Line("public IEnumerable<KeyValuePair<string, IModule>> NamedChildren() => System.Array.Empty<KeyValuePair<string, IModule>>();");
        }
        else
        {
            using (w.Block("public IEnumerable<KeyValuePair<string, IModule>> NamedChildren()"))
            {
                foreach (var child in _layer.Children)
                {
                    // A child field left null is no child, as a module attribute set to None in torch.
                    w.Line($"if ({child.Name} is not null) yield return new KeyValuePair<string, IModule>(\"{child.Name}\", {child.Name});");
                }
            }
        }

        w.Line();
    }
}
