namespace NetGen;

// A mini-batch whose loss is not finite changes nothing: Fit applies no update for it, and batch norm's running
// statistics, which its training forward pass has already moved (they live in Parameters), are put back, so that
// TrainingDivergedException's "every parameter is as it was before this mini-batch" is true.
public abstract partial class Model
{
    /// <summary>Batch norm's running-mean and running-variance tensors, in buffer order; null until Fit first asks.</summary>
    private ParameterTensor[]? _runningStatistics;

    /// <summary>Their values before the current training forward pass, tensor after tensor.</summary>
    private float[] _runningStatisticsBefore = [];

    /// <summary>Whether the network has running statistics (batch norm) that a training forward pass moves.</summary>
    private bool HasRunningStatistics => RunningStatistics.Length > 0;

    private ParameterTensor[] RunningStatistics
    {
        get
        {
            if (_runningStatistics is null)
            {
                ParameterTensor[] tensors = Description.Tensors
                    .Where(tensor => tensor.Role is ParameterRole.RunningMean or ParameterRole.RunningVariance)
                    .ToArray();
                _runningStatisticsBefore = new float[tensors.Sum(tensor => tensor.Length)];
                _runningStatistics = tensors;
            }
            return _runningStatistics;
        }
    }

    /// <summary>Copies the running statistics aside, before a training forward pass moves them; nothing without batch norm.</summary>
    private void SaveRunningStatistics()
    {
        int at = 0;
        foreach (ParameterTensor tensor in RunningStatistics)
        {
            Parameters.AsSpan(tensor.Offset, tensor.Length).CopyTo(_runningStatisticsBefore.AsSpan(at));
            at += tensor.Length;
        }
    }

    /// <summary>Puts back what <see cref="SaveRunningStatistics"/> copied, undoing a failed step's moves.</summary>
    private void RestoreRunningStatistics()
    {
        int at = 0;
        foreach (ParameterTensor tensor in RunningStatistics)
        {
            _runningStatisticsBefore.AsSpan(at, tensor.Length).CopyTo(Parameters.AsSpan(tensor.Offset));
            at += tensor.Length;
        }
    }

    /// <summary>What a diverged step left unchanged, for <see cref="TrainingDivergedException"/>'s message.</summary>
    private string UnchangedAfterDivergence() => HasRunningStatistics
        ? "The update was not applied and batch norm's running statistics were put back, so every parameter is as it was before this mini-batch"
        : "The update was not applied, so every parameter is as it was before this mini-batch";
}
