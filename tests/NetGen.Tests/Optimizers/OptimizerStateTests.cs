using NetGen.Optimizers;

namespace NetGen.Tests.Optimizers;

/// <summary>Exporting and importing an optimizer's step count and buffers, as a checkpoint does.</summary>
public sealed class OptimizerStateTests
{
    private const int Before = 3, After = 4;

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void A_run_resumed_from_exported_state_is_bit_identical_to_an_uninterrupted_one(string name)
    {
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        int n = model.ParameterCount;
        Optimizer uninterrupted = Create(name, model);
        float[] expected = OptimizerCases.StartingPoint(n);
        for (int t = 1; t <= Before + After; t++)
        {
            uninterrupted.Step(expected, OptimizerCases.Gradient(t, n));
        }

        Optimizer first = Create(name, model);
        float[] parameters = OptimizerCases.StartingPoint(n);
        for (int t = 1; t <= Before; t++)
        {
            first.Step(parameters, OptimizerCases.Gradient(t, n));
        }
        OptimizerState state = first.ExportState();
        first.Step(new float[n], OptimizerCases.Gradient(99, n)); // must not reach the exported copy

        Optimizer resumed = Create(name, model);
        resumed.ImportState(state);
        for (int t = Before + 1; t <= Before + After; t++)
        {
            resumed.Step(parameters, OptimizerCases.Gradient(t, n));
        }

        Assert.Equal(name == "Nesterov" ? "Momentum" : name, state.OptimizerName);
        Assert.Equal(Before, state.Step);
        Assert.Equal(Before + After, resumed.StepCount);
        Assert.Equal(expected, parameters);
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void Importing_an_earlier_state_rewinds_an_optimizer_that_ran_ahead(string name)
    {
        // Going back to an earlier checkpoint in the same process: everything derived from the step
        // count (bias corrections, Nadam's momentum schedule) must follow it back.
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        int n = model.ParameterCount;
        Optimizer optimizer = Create(name, model);
        float[] parameters = OptimizerCases.StartingPoint(n);
        optimizer.Step(parameters, OptimizerCases.Gradient(1, n));
        OptimizerState early = optimizer.ExportState();
        float[] earlyParameters = (float[])parameters.Clone();
        for (int t = 2; t <= 6; t++)
        {
            optimizer.Step(parameters, OptimizerCases.Gradient(t, n));
        }
        float[] expected = (float[])parameters.Clone();

        optimizer.ImportState(early);
        earlyParameters.CopyTo(parameters, 0);
        for (int t = 2; t <= 6; t++)
        {
            optimizer.Step(parameters, OptimizerCases.Gradient(t, n));
        }

        Assert.Equal(expected, parameters);
    }

    [Fact]
    public void Exported_buffers_are_named_as_in_pytorch_listed_in_ordinal_order_and_copied()
    {
        var adam = new Adam();
        adam.Bind(OptimizerCases.TwoLayerDescription());
        adam.Step(OptimizerCases.StartingPoint(58), OptimizerCases.Gradient(1, 58));

        OptimizerState state = adam.ExportState();
        state.Buffers["exp_avg"][0] = 1234f;

        Assert.Equal(["exp_avg", "exp_avg_sq"], state.Buffers.Keys);
        Assert.All(state.Buffers.Values, buffer => Assert.Equal(58, buffer.Length));
        Assert.NotEqual(1234f, adam.ExportState().Buffers["exp_avg"][0]);
        Assert.Equal(["sum"], Bound(new Adagrad()).ExportState().Buffers.Keys);
        Assert.Equal(["acc_delta", "square_avg"], Bound(new Adadelta()).ExportState().Buffers.Keys);
        Assert.Equal(["square_avg"], Bound(new RmsProp()).ExportState().Buffers.Keys);
        Assert.Equal(["velocity"], Bound(new Momentum(0.1f)).ExportState().Buffers.Keys);
        Assert.Empty(new Sgd().ExportState().Buffers);
    }

    [Fact]
    public void A_second_bind_to_the_same_model_keeps_the_state()
    {
        // Model.Fit binds on every call; a second Fit continues the first one's moments.
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        var adam = new Adam();
        adam.Bind(model);
        adam.Step(new float[58], OptimizerCases.Gradient(1, 58));
        OptimizerState before = adam.ExportState();

        adam.Bind(model);

        Assert.Equal(1, adam.StepCount);
        Assert.Equal(before.Buffers["exp_avg"], adam.ExportState().Buffers["exp_avg"]);
    }

    [Fact]
    public void Binding_state_to_a_model_of_another_size_is_refused()
    {
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        ModelDescription smaller = model with { Name = "Smaller", Tensors = [model.Tensors[0], model.Tensors[1]] };
        var adam = new Adam();
        adam.Bind(model);
        var sgd = new Sgd();
        sgd.Bind(model);

        var error = Assert.Throws<InvalidOperationException>(() => adam.Bind(smaller));
        sgd.Bind(smaller); // no per-parameter state: nothing to mix up

        Assert.Contains("58 parameters", error.Message);
        Assert.Contains("Smaller has 40", error.Message);
    }

    [Fact]
    public void A_stateful_optimizer_that_was_neither_bound_nor_stepped_has_nothing_to_export()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Adam().ExportState());
        Assert.Contains("Bind", error.Message);
    }

    [Fact]
    public void An_import_that_does_not_fit_is_refused_saying_what_is_wrong_and_changes_nothing()
    {
        var adam = new Adam();
        adam.Bind(OptimizerCases.TwoLayerDescription());
        adam.Step(new float[58], OptimizerCases.Gradient(1, 58));
        OptimizerState good = adam.ExportState();
        float[] m = good.Buffers["exp_avg"], v = good.Buffers["exp_avg_sq"];

        string Refused(OptimizerState state) => Assert.Throws<ArgumentException>(() => adam.ImportState(state)).Message;

        Assert.Contains("belongs to Nadam; this optimizer is Adam", Refused(good with { OptimizerName = "Nadam" }));
        Assert.Contains("step count is -1", Refused(good with { Step = -1 }));
        Assert.Contains("lacks 'exp_avg_sq'", Refused(good with { Buffers = Buffers(("exp_avg", m)) }));
        Assert.Contains("unexpected 'velocity'", Refused(good with { Buffers = Buffers(("exp_avg", m), ("exp_avg_sq", v), ("velocity", m)) }));
        string wrongLength = Refused(good with { Buffers = Buffers(("exp_avg", m), ("exp_avg_sq", new float[57])) });
        Assert.Contains("'exp_avg_sq' holds 57 numbers", wrongLength);
        Assert.Contains("parameter count, 58", wrongLength);
        Assert.Equal(1, adam.StepCount);
        Assert.Equal(m, adam.ExportState().Buffers["exp_avg"]);
    }

    [Fact]
    public void An_unbound_optimizer_checks_the_buffers_against_each_other_and_later_against_the_model()
    {
        var fresh = new Adam();
        var unequal = new OptimizerState("Adam", 2, Buffers(("exp_avg", new float[10]), ("exp_avg_sq", new float[9])));
        var error = Assert.Throws<ArgumentException>(() => fresh.ImportState(unequal));
        Assert.Contains("'exp_avg_sq' holds 9 numbers; expected as many as 'exp_avg', which holds 10", error.Message);

        fresh.ImportState(new OptimizerState("Adam", 2, Buffers(("exp_avg", new float[10]), ("exp_avg_sq", new float[10]))));

        Assert.Equal(2, fresh.StepCount);
        Assert.Throws<InvalidOperationException>(() => fresh.Bind(OptimizerCases.TwoLayerDescription()));
    }

    private static Optimizer Create(string name, ModelDescription model)
    {
        // With L2 decay (AdamW: decoupled) so that the bound state is exercised as well.
        Optimizer optimizer = OptimizerCases.Create(name);
        optimizer.WeightDecay = 0.1f;
        optimizer.Bind(model);
        return optimizer;
    }

    private static Optimizer Bound(Optimizer optimizer)
    {
        optimizer.Bind(OptimizerCases.TwoLayerDescription());
        return optimizer;
    }

    private static Dictionary<string, float[]> Buffers(params (string Name, float[] Values)[] buffers) =>
        buffers.ToDictionary(buffer => buffer.Name, buffer => buffer.Values);
}
