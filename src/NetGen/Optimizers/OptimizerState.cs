namespace NetGen.Optimizers;

/// <summary>
/// What an optimizer must remember to continue training exactly where it stopped: its step count
/// (the t of Adam's bias corrections, Nadam's momentum schedule) and its per-parameter buffers.
/// Made by <see cref="Optimizer.ExportState"/>, read by <see cref="Optimizer.ImportState"/>.
/// </summary>
/// <param name="OptimizerName">The optimizer's class name, e.g. <c>Adam</c>; an import into another type is refused.</param>
/// <param name="Step">Steps taken when the state was exported.</param>
/// <param name="Buffers">
/// Each buffer by name, laid out like the model's parameters (<c>[ParameterCount]</c>). The names
/// follow PyTorch's optimizer state where the meaning is the same (<c>exp_avg</c>, <c>exp_avg_sq</c>,
/// <c>square_avg</c>, <c>acc_delta</c>, <c>sum</c>); <see cref="Momentum"/>'s <c>velocity</c> is −η times
/// PyTorch's <c>momentum_buffer</c> and so has its own name. <see cref="Sgd"/> has none.
/// </param>
public sealed record OptimizerState(string OptimizerName, long Step, IReadOnlyDictionary<string, float[]> Buffers);
