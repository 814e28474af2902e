using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Which methods of a type are the bodies of threads or tasks the type itself starts, and which of its methods start
/// them: <c>_thread = new Thread(Run)</c> + <c>_thread.Start()</c>, <c>new Thread(() =&gt; Run()).Start()</c>,
/// <c>Task.Run(Run)</c>. Resolved once per type and cached per compilation by symbol; base types are included, so a
/// subclass that overrides <c>Run</c> of a base whose <c>Start()</c> runs <c>Run</c> on a thread is known too.
/// </summary>
internal sealed class ThreadBodies
{
    private readonly ThreadingModel _model;
    private readonly ConcurrentDictionary<INamedTypeSymbol, TypeThreadBodies> _cache = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<INamedTypeSymbol, LaunchSyntax> _syntax = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// What a syntax walk of one type tells: the members that may launch or start something (the only ones worth
    /// binding) and the names those launching members could run.
    /// </summary>
    private sealed class LaunchSyntax
    {
        public LaunchSyntax(ImmutableHashSet<string> names, ImmutableHashSet<SyntaxNode> members)
        {
            Names = names;
            Members = members;
        }

        public ImmutableHashSet<string> Names { get; }

        public ImmutableHashSet<SyntaxNode> Members { get; }
    }

    private const int MaxDepth = 64;

    public ThreadBodies(ThreadingModel model) => _model = model;

    /// <summary>
    /// The method a delegate passed to a launch runs: a method group (<c>Run</c>, <c>this.Run</c>, <c>worker.Run</c>)
    /// or a lambda whose body is only a call (<c>() =&gt; Run()</c>, <c>_ =&gt; Run(token)</c>). The receiver of that
    /// method (null when it is static) comes back in <paramref name="receiver"/>.
    /// </summary>
    public static IMethodSymbol? BodyMethod(IOperation? value, out IOperation? receiver)
    {
        receiver = null;
        if (StartApi.Unwrap(value) is not IDelegateCreationOperation creation)
        {
            return null;
        }

        switch (creation.Target)
        {
            case IMethodReferenceOperation reference:
                // A local function has no receiver (the operation tree gives a non-static one an implicit `this`).
                receiver = reference.Method.MethodKind == MethodKind.LocalFunction ? null : reference.Instance;
                return reference.Method;
            case IAnonymousFunctionOperation { Body: { } body }:
                IInvocationOperation? only = null;
                foreach (var statement in body.Operations)
                {
                    if (statement is IReturnOperation { ReturnedValue: null, IsImplicit: true })
                    {
                        continue;
                    }

                    var call = statement switch
                    {
                        IExpressionStatementOperation { Operation: IInvocationOperation invocation } => invocation,
                        IReturnOperation { ReturnedValue: IInvocationOperation invocation } => invocation,
                        _ => null,
                    };
                    if (call is null || only is not null)
                    {
                        return null;
                    }

                    only = call;
                }

                receiver = only?.Instance;
                return only?.TargetMethod;
            default:
                return null;
        }
    }

    /// <summary>
    /// A cheap test before <see cref="Get"/>: true when <paramref name="type"/> or one of its base types declared in
    /// source both mentions a launch (<see cref="LaunchApi.SyntaxNames"/>, or a target-typed <c>new(…)</c>) and names
    /// <paramref name="methodName"/> where a launch could run it: as a method group (<c>new Thread(Run)</c>) or inside a
    /// lambda (<c>() =&gt; Run()</c>). It reads syntax only, once per type, so calls on the many types that launch
    /// nothing cost no binding of their files.
    /// </summary>
    public bool MayLaunch(INamedTypeSymbol type, string methodName, CancellationToken cancellationToken)
    {
        var depth = 0;
        for (INamedTypeSymbol? current = type.OriginalDefinition; current is not null && depth++ <= MaxDepth; current = current.BaseType?.OriginalDefinition)
        {
            if (current.DeclaringSyntaxReferences.IsEmpty)
            {
                continue;
            }

            if (SyntaxOf(current, cancellationToken).Names.Contains(methodName))
            {
                return true;
            }
        }

        return false;
    }

    private LaunchSyntax SyntaxOf(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        _syntax.TryGetValue(type, out var cached) ? cached : _syntax.GetOrAdd(type, ReadSyntax(type, cancellationToken));

    /// <summary>
    /// Per member of the type: does it mention a launch (<see cref="LaunchApi.SyntaxNames"/>, a target-typed <c>new(…)</c>)
    /// or a <c>Start</c>? Those are the members to bind; the names that launching members use as method groups or
    /// inside lambdas are what the type could run on a thread.
    /// </summary>
    private LaunchSyntax ReadSyntax(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var launches = _model.Launches.SyntaxNames;
        var names = ImmutableHashSet.CreateBuilder<string>();
        var members = ImmutableHashSet.CreateBuilder<SyntaxNode>();
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            foreach (var member in declaration.Members)
            {
                if (member is BaseTypeDeclarationSyntax)
                {
                    continue;
                }

                var launchesHere = false;
                var startsHere = false;
                var used = new List<string>();
                foreach (var node in member.DescendantNodes())
                {
                    switch (node)
                    {
                        case ImplicitObjectCreationExpressionSyntax:
                            launchesHere = true;
                            break;
                        case SimpleNameSyntax name:
                            var text = name.Identifier.ValueText;
                            launchesHere |= launches.Contains(text);
                            startsHere |= text is "Start" or "RunSynchronously";
                            if (IsDelegateUse(name))
                            {
                                used.Add(text);
                            }

                            break;
                    }
                }

                if (launchesHere)
                {
                    names.UnionWith(used);
                }

                if (launchesHere || startsHere)
                {
                    members.Add(member);
                }
            }
        }

        return new LaunchSyntax(names.ToImmutable(), members.ToImmutable());
    }

    /// <summary>A name not called right there (a method group: <c>Run</c>, <c>this.Run</c>), or any name inside a lambda.</summary>
    private static bool IsDelegateUse(SimpleNameSyntax name)
    {
        SyntaxNode expression = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        if (expression.Parent is not InvocationExpressionSyntax invocation || invocation.Expression != expression)
        {
            return true;
        }

        foreach (var ancestor in name.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax:
                    return true;
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The thread bodies of <paramref name="type"/> (and its base types declared in source).</summary>
    /// <param name="type">The type.</param>
    /// <param name="current">The semantic model the caller already has; used when the type is declared in its tree.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public TypeThreadBodies Get(INamedTypeSymbol type, SemanticModel? current, CancellationToken cancellationToken) =>
        Get(type, current, depth: 0, cancellationToken);

    private TypeThreadBodies Get(INamedTypeSymbol type, SemanticModel? current, int depth, CancellationToken cancellationToken)
    {
        type = type.OriginalDefinition;
        if (_cache.TryGetValue(type, out var cached))
        {
            return cached;
        }

        // The depth bound only protects against a malformed hierarchy in broken code.
        var result = depth > MaxDepth ? TypeThreadBodies.Empty : Compute(type, current, depth, cancellationToken);
        return _cache.GetOrAdd(type, result);
    }

    private TypeThreadBodies Compute(INamedTypeSymbol type, SemanticModel? current, int depth, CancellationToken cancellationToken)
    {
        var inherited = type.BaseType is { } baseType ? Get(baseType, current, depth + 1, cancellationToken) : TypeThreadBodies.Empty;
        if (type.DeclaringSyntaxReferences.IsEmpty || type.TypeKind != TypeKind.Class)
        {
            return inherited;
        }

        var collector = new Collector(_model, type);
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            if (!_model.Compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                // A base type from a project this one references as a compilation (the IDE, MSBuildWorkspace): its
                // source is not this compilation's, so it is seen like a type from metadata.
                continue;
            }

            var relevant = SyntaxOf(type, cancellationToken).Members;
            if (!System.Linq.Enumerable.Any(declaration.Members, relevant.Contains))
            {
                continue;
            }

            var model = current is not null && current.SyntaxTree == declaration.SyntaxTree
                ? current
#pragma warning disable RS1030 // Only the members that mention a launch or a start, once per type, cached for the compilation.
                : _model.Compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
            foreach (var member in declaration.Members)
            {
                if (!relevant.Contains(member))
                {
                    // Mentions no launch and no Start: nothing to collect, nothing to bind.
                    continue;
                }

                foreach (var (body, symbol) in Bodies(member, model, cancellationToken))
                {
                    if (symbol is not null && model.GetOperation(body, cancellationToken) is { } operation)
                    {
                        collector.Scan(operation, symbol);
                    }
                }
            }
        }

        return collector.Build(inherited);
    }

    /// <summary>
    /// The executable parts of a member declaration with the symbol they belong to: method, constructor and operator
    /// bodies, accessors, expression bodies of properties and indexers, and field, event and property initializers.
    /// </summary>
    internal static IEnumerable<(SyntaxNode Body, ISymbol? Symbol)> Bodies(MemberDeclarationSyntax member, SemanticModel model, CancellationToken cancellationToken)
    {
        switch (member)
        {
            case BaseMethodDeclarationSyntax method:
                yield return (method, model.GetDeclaredSymbol(method, cancellationToken));
                break;
            case BasePropertyDeclarationSyntax property:
                if (property.AccessorList is { } accessors)
                {
                    foreach (var accessor in accessors.Accessors)
                    {
                        yield return (accessor, model.GetDeclaredSymbol(accessor, cancellationToken));
                    }
                }

                var symbol = model.GetDeclaredSymbol(property, cancellationToken);
                switch (property)
                {
                    case PropertyDeclarationSyntax { ExpressionBody: { } body }:
                        yield return (body, (symbol as IPropertySymbol)?.GetMethod);
                        break;
                    case IndexerDeclarationSyntax { ExpressionBody: { } body }:
                        yield return (body, (symbol as IPropertySymbol)?.GetMethod);
                        break;
                }

                if (property is PropertyDeclarationSyntax { Initializer: { } propertyInitializer })
                {
                    yield return (propertyInitializer, symbol);
                }

                break;
            case BaseFieldDeclarationSyntax field:
                foreach (var variable in field.Declaration.Variables)
                {
                    if (variable.Initializer is { } initializer)
                    {
                        yield return (initializer, model.GetDeclaredSymbol(variable, cancellationToken));
                    }
                }

                break;
        }
    }

    /// <summary>Gathers the launches of one type's members.</summary>
    private sealed class Collector
    {
        private readonly ThreadingModel _model;
        private readonly INamedTypeSymbol _type;
        private readonly Dictionary<IMethodSymbol, HashSet<IMethodSymbol>> _starters = new(SymbolEqualityComparer.Default);
        private readonly HashSet<IMethodSymbol> _onConstruction = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<IMethodSymbol>> _heldBy = new(SymbolEqualityComparer.Default);
        private readonly List<(ISymbol Member, ISymbol Field)> _fieldStarts = new();

        public Collector(ThreadingModel model, INamedTypeSymbol type)
        {
            _model = model;
            _type = type;
        }

        public void Scan(IOperation root, ISymbol member)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation invocation && IsStart(invocation) &&
                    AccessPath.TryCreate(invocation.Instance, out var started) && started.Symbols.Length == 1 &&
                    started.Root is IFieldSymbol or IPropertySymbol)
                {
                    _fieldStarts.Add((member, started.Root));
                }

                foreach (var (argument, kind) in _model.Launches.LaunchedDelegates(operation))
                {
                    var body = BodyMethod(argument.Value, out var receiver);
                    if (body is null || body.IsStatic || receiver is not IInstanceReferenceOperation ||
                        !_type.InheritsFromOrEquals(body.ContainingType))
                    {
                        continue;
                    }

                    switch (kind)
                    {
                        case LaunchKind.Once:
                            AddStarter(member, body);
                            break;
                        case LaunchKind.ThreadConstructor or LaunchKind.ColdTask:
                            Created(operation, root, member, body);
                            break;
                    }
                }
            }
        }

        public TypeThreadBodies Build(TypeThreadBodies inherited)
        {
            foreach (var (member, field) in _fieldStarts)
            {
                if (_heldBy.TryGetValue(field, out var bodies))
                {
                    foreach (var body in bodies)
                    {
                        AddStarter(member, body);
                    }
                }
            }

            if (_starters.Count == 0 && _onConstruction.Count == 0)
            {
                return inherited;
            }

            var starters = inherited.Starters.ToBuilder();
            foreach (var pair in _starters)
            {
                var set = starters.TryGetValue(pair.Key, out var existing) ? existing.ToBuilder() : ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
                set.UnionWith(pair.Value);
                starters[pair.Key] = set.ToImmutable();
            }

            return new TypeThreadBodies(starters.ToImmutable(), inherited.OnConstruction.Union(_onConstruction));
        }

        /// <summary>A <c>new Thread(body)</c>/<c>new Task(body)</c>: started right there, through a local, or kept in a field.</summary>
        private void Created(IOperation creation, IOperation root, ISymbol member, IMethodSymbol body)
        {
            var (child, user) = OperationTree.User(creation);
            switch (user)
            {
                case IInvocationOperation invocation when invocation.Instance == child && IsStart(invocation):
                    AddStarter(member, body);
                    break;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    if (StartsLocal(root, declarator.Symbol))
                    {
                        AddStarter(member, body);
                    }

                    break;
                case ISimpleAssignmentOperation assignment when assignment.Value == child:
                    if (assignment.Target is ILocalReferenceOperation local)
                    {
                        if (StartsLocal(root, local.Local))
                        {
                            AddStarter(member, body);
                        }
                    }
                    else if (AccessPath.TryCreate(assignment.Target, out var path) && path.Symbols.Length == 1 &&
                             path.Root is IFieldSymbol or IPropertySymbol)
                    {
                        Hold(path.Root, body);
                    }

                    break;
                case IFieldInitializerOperation initializer:
                    foreach (var field in initializer.InitializedFields)
                    {
                        Hold(field, body);
                    }

                    break;
                case IPropertyInitializerOperation initializer:
                    foreach (var property in initializer.InitializedProperties)
                    {
                        Hold(property, body);
                    }

                    break;
            }
        }

        private bool StartsLocal(IOperation root, ILocalSymbol local)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation invocation && IsStart(invocation) &&
                    StartApi.Unwrap(invocation.Instance) is ILocalReferenceOperation reference &&
                    SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    return true;
                }
            }

            return false;
        }

        private void Hold(ISymbol field, IMethodSymbol body)
        {
            if (!_heldBy.TryGetValue(field, out var bodies))
            {
                _heldBy[field] = bodies = new List<IMethodSymbol>();
            }

            bodies.Add(body);
        }

        private void AddStarter(ISymbol member, IMethodSymbol body)
        {
            body = body.OriginalDefinition;
            if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
            {
                if (SymbolEqualityComparer.Default.Equals(method.OriginalDefinition, body))
                {
                    return;
                }

                if (!_starters.TryGetValue(body, out var set))
                {
                    _starters[body] = set = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                }

                set.Add(method.OriginalDefinition);
            }
            else if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } or IFieldSymbol or IPropertySymbol)
            {
                // Started when the object is created: every instance already runs its body on a thread.
                _onConstruction.Add(body);
            }
        }

        private bool IsStart(IInvocationOperation invocation) =>
            _model.Threads.StartMethods.ContainsMethod(invocation.TargetMethod) ||
            _model.Tasks.StartMethods.ContainsMethod(invocation.TargetMethod);
    }
}

/// <summary>The thread bodies of one type: each body method with the methods that start it.</summary>
internal sealed class TypeThreadBodies
{
    public static readonly TypeThreadBodies Empty = new(
        ImmutableDictionary.Create<IMethodSymbol, ImmutableHashSet<IMethodSymbol>>(SymbolEqualityComparer.Default),
        ImmutableHashSet.Create<IMethodSymbol>(SymbolEqualityComparer.Default));

    public TypeThreadBodies(ImmutableDictionary<IMethodSymbol, ImmutableHashSet<IMethodSymbol>> starters, ImmutableHashSet<IMethodSymbol> onConstruction)
    {
        Starters = starters;
        OnConstruction = onConstruction;
    }

    /// <summary>Body method (original definition) → the ordinary methods of the type that start a thread running it.</summary>
    public ImmutableDictionary<IMethodSymbol, ImmutableHashSet<IMethodSymbol>> Starters { get; }

    /// <summary>Bodies started by a constructor or a field initializer: every instance is already running them.</summary>
    public ImmutableHashSet<IMethodSymbol> OnConstruction { get; }

    /// <summary>True when <paramref name="method"/> (or a method it overrides) runs on a thread this type starts.</summary>
    public bool IsBody(IMethodSymbol method)
    {
        for (var current = method.OriginalDefinition; current is not null; current = current.OverriddenMethod?.OriginalDefinition)
        {
            if (Starters.ContainsKey(current) || OnConstruction.Contains(current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="called"/> (or a method it overrides) is a thread body of this type that is started
    /// only by the returned <paramref name="starters"/>, never on construction.
    /// </summary>
    public bool TryFind(IMethodSymbol called, out ImmutableHashSet<IMethodSymbol> starters)
    {
        starters = ImmutableHashSet<IMethodSymbol>.Empty;
        if (Starters.IsEmpty)
        {
            return false;
        }

        for (var method = called.OriginalDefinition; method is not null; method = method.OverriddenMethod?.OriginalDefinition)
        {
            if (OnConstruction.Contains(method))
            {
                return false;
            }

            if (Starters.TryGetValue(method, out var found))
            {
                starters = found;
                return true;
            }
        }

        return false;
    }
}
