using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators;

/// <summary>
/// The pipeline: find <c>[Network]</c> classes → parse their attributes into value records →
/// infer shapes → emit one <c>.g.cs</c> per network, with diagnostics reported on their own output.
/// Every step's result compares by value, so an edit elsewhere re-runs nothing after parsing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public const string NetworkAttributeName = "NetGen.NetworkAttribute";

    public const string BoltzmannMachineAttributeName = "NetGen.RestrictedBoltzmannMachineAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<Result<NetworkPlan>> plans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkAttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (context, cancellationToken) => Guard(
                    () => NetworkParser.Parse(context, cancellationToken),
                    context.TargetSymbol.Name,
                    LocationInfo.From(context.TargetNode.GetLocation())))
            .WithTrackingName(TrackingNames.Parse)
            .Select(static (parsed, _) => Guard(() => ShapeInference.Plan(parsed), parsed.Value?.ClassName ?? "a network", null))
            .WithTrackingName(TrackingNames.Plan);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = plans
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        // Reporting pairs the cached diagnostics with the current compilation, only to place them in its
        // syntax trees, where #pragma warning disable applies; nothing before this step sees the compilation.
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (output, found) =>
        {
            foreach (DiagnosticInfo diagnostic in found.Left)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic(found.Right));
            }
        });

        // A declaration with errors still gets its class's public surface, so that the NG errors are the only ones.
        IncrementalValuesProvider<NetworkIdentity> standIns = plans
            .Where(static result => result.Value is null && result.StandIn is not null)
            .Select(static (result, _) => result.StandIn!);
        context.RegisterSourceOutput(standIns, static (output, network) =>
            output.AddSource(HintName(network.Namespace, network.ClassName), StandInEmitter.Emit(network)));

        IncrementalValuesProvider<NetworkPlan> emittable = plans
            .Where(static result => result.Value is not null)
            .Select(static (result, _) => result.Value!)
            .WithTrackingName(TrackingNames.Emit);
        context.RegisterSourceOutput(emittable, static (output, plan) =>
        {
            string hint = HintName(plan.Namespace, plan.ClassName);
            try
            {
                output.AddSource(hint, NetworkEmitter.Emit(plan));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, null, plan.ClassName, exception.ToString()));
            }
        });

        InitializeBoltzmannMachines(context);
    }

    /// <summary>Restricted Boltzmann machines: a pipeline of their own, parsed and checked in one step, then emitted.</summary>
    private static void InitializeBoltzmannMachines(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<Result<BoltzmannPlan>> machines = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                BoltzmannMachineAttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (context, cancellationToken) => Guard(
                    () => BoltzmannParser.Parse(context, cancellationToken),
                    context.TargetSymbol.Name,
                    LocationInfo.From(context.TargetNode.GetLocation())));
        context.RegisterSourceOutput(machines.Select(static (result, _) => result.Diagnostics).Combine(context.CompilationProvider), static (output, found) =>
        {
            foreach (DiagnosticInfo diagnostic in found.Left)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic(found.Right));
            }
        });
        context.RegisterSourceOutput(machines.Where(static result => result.Value is not null).Select(static (result, _) => result.Value!), static (output, plan) =>
        {
            try
            {
                output.AddSource(HintName(plan.Namespace, plan.ClassName), BoltzmannEmitter.Emit(plan));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, null, plan.ClassName, exception.ToString()));
            }
        });
    }

    /// <summary>One file per network; hint names allow no '@', so a namespace like @event.Models is written without it.</summary>
    private static string HintName(string? @namespace, string className) =>
        ((@namespace is null ? "" : @namespace + ".") + className).Replace("@", "") + ".g.cs";

    /// <summary>The generator must never throw: a bug becomes a diagnostic that says so, instead of a silent skip.</summary>
    private static Result<T> Guard<T>(Func<Result<T>> step, string network, LocationInfo? location)
        where T : class
    {
        try
        {
            return step();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, location, network, exception.ToString());
            return new Result<T>(null, new[] { diagnostic }.ToEquatableArray());
        }
    }
}

/// <summary>Step names, for tests that check what the incremental pipeline cached.</summary>
public static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Plan = nameof(Plan);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Emit = nameof(Emit);
}
