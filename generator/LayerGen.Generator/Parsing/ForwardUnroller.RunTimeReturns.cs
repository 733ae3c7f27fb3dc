using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// A <c>return</c> inside a branch on a hyperparameter or on <c>Training</c> (<c>if (relu) return Ops.Relu(h);
/// return Ops.Tanh(h);</c>, the natural form): both branches are built, each followed by what runs after the
/// <c>if</c> until the forward (or helper) returns, and the two results — and every buffer the two paths leave
/// different — are selected when the kernels run, as for a branch without a return.
/// </summary>
internal sealed partial class ForwardUnroller
{
    /// <summary>What runs after a statement: the rest of its list, or a boundary (a loop body, a helper's body).</summary>
    private readonly struct Rest(IReadOnlyList<ForwardStatement> list, int from, Rest.Boundary kind)
    {
        public enum Boundary
        {
            None,
            Loop,
            Helper,
        }

        public IReadOnlyList<ForwardStatement> List { get; } = list;

        public int From { get; } = from;

        public Boundary Kind { get; } = kind;

        public static Rest LoopBody => new(System.Array.Empty<ForwardStatement>(), 0, Boundary.Loop);

        public static Rest HelperBody => new(System.Array.Empty<ForwardStatement>(), 0, Boundary.Helper);
    }

    /// <summary>The statements after the one running, innermost list last (pushed by <see cref="Run"/>).</summary>
    private List<Rest> _after = new();

    private const string RunTimeReturnInLoop = "a return inside a branch on a hyperparameter or on Training within a loop is not supported yet: the loop is unrolled and the branch's both paths would run every later step; assign the result to a local and return it after the loop";

    /// <summary>Whether any statement in <paramref name="statements"/> returns (at any depth).</summary>
    private static bool Returns(IEnumerable<ForwardStatement> statements) => statements.Any(statement => statement switch
    {
        ReturnStatement => true,
        IfStatement branch => Returns(branch.Then) || Returns(branch.Else),
        ForStatement loop => Returns(loop.Body),
        _ => false,
    });

    /// <summary>
    /// Both branches of <paramref name="branch"/>, each followed by the rest of the forward (or helper), then the results
    /// selected by <paramref name="mask"/>; false after reporting why they cannot be.
    /// </summary>
    private bool RunBothToTheEnd(IfStatement branch, ScalarExpr mask)
    {
        var continuation = new List<ForwardStatement>();
        for (int k = _after.Count - 1; k >= 0; k--)
        {
            var rest = _after[k];
            if (rest.Kind == Rest.Boundary.Loop)
            {
                return Fail(branch.ConditionLocation, branch.Condition.ToString(), RunTimeReturnInLoop);
            }

            if (rest.Kind == Rest.Boundary.Helper)
            {
                break;
            }

            continuation.AddRange(rest.List.Skip(rest.From));
        }

        // The continuation is complete to the end: statements run inside it must not find it on the stack again.
        var after = _after;
        _after = new List<Rest>();
        var current = new Dictionary<string, string>(_current);
        var arrays = _arrays.ToDictionary(p => p.Key, p => (string?[])p.Value.Clone());
        var tuples = SaveTuples();
        var outer = _result;
        _result = null;
        bool thenRan = Run(branch.Then.Concat(continuation).ToList());
        var thenResult = _result;
        var thenCurrent = new Dictionary<string, string>(_current);

        _result = null;
        _current.Clear();
        foreach (var pair in current)
        {
            _current[pair.Key] = pair.Value;
        }

        _arrays.Clear();
        foreach (var pair in arrays)
        {
            _arrays[pair.Key] = (string?[])pair.Value.Clone();
        }

        RestoreTuples(tuples);
        bool elseRan = thenRan && Run(branch.Else.Concat(continuation).ToList());
        var elseResult = _result;
        _after = after;
        _result = outer;
        if (!thenRan || !elseRan)
        {
            return false;
        }

        if (thenResult is null || elseResult is null || (thenResult is TupleExpr) != (elseResult is TupleExpr))
        {
            return Fail(branch.ConditionLocation, branch.Condition.ToString(), RunTimeReturn);
        }

        // After the return only the buffers the paths assigned matter (the forward's locals are out of scope): select those.
        foreach (string name in current.Keys)
        {
            if (_current.TryGetValue(name, out string? otherwise) && thenCurrent.TryGetValue(name, out string? then) && then != otherwise)
            {
                if (!Define(name, Select(mask, Local(then), Local(otherwise), name, branch.Location), branch.Location, out string local))
                {
                    return false;
                }

                _current[name] = local;
            }
        }

        if (thenResult is TupleExpr thenTuple && elseResult is TupleExpr elseTuple)
        {
            // A forward of several outputs returning on both paths: each output selected (ForwardUnroller.Tuples.cs).
            if (thenTuple.Items.Count != elseTuple.Items.Count)
            {
                return Fail(branch.ConditionLocation, branch.Condition.ToString(), RunTimeReturn);
            }

            var items = thenTuple.Items.Zip(elseTuple.Items, (t, e) => (Expr)Select(mask, t, e, $"{branch.Condition} ? ({t.Text}) : ({e.Text})", branch.Location));
            _result = new TupleExpr(items.ToEquatableArray(), $"{branch.Condition} ? {thenTuple.Text} : {elseTuple.Text}", branch.Location);
            return true;
        }

        _result = Select(mask, thenResult, elseResult, $"{branch.Condition} ? ({thenResult.Text}) : ({elseResult.Text})", branch.Location);
        return true;
    }
}
