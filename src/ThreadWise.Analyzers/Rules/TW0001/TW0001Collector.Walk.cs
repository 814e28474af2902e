using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>TW0001 collector: the walk over one operation block that builds its bodies' summaries.</summary>
internal sealed partial class TW0001Collector
{
    /// <summary>One operation block: the bodies found in it and the launched lambdas that start new bodies.</summary>
    private sealed class Walk
    {
        private readonly TW0001Collector _owner;
        private readonly IOperation _block;
        private readonly HashSet<SyntaxNode> _launchedLambdas = new();
        private readonly HashSet<SyntaxNode> _repeatingLambdas = new();
        private readonly Dictionary<ILocalSymbol, IOperation?> _delegateLocals = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<ILocalSymbol, bool> _freshLocals = new(SymbolEqualityComparer.Default);
        private HashSet<ILocalSymbol>? _fresh;
        private readonly HashSet<ILocalSymbol> _scheduledTasks = new(SymbolEqualityComparer.Default);
        private readonly HashSet<IOperation> _lockedIfs = new();

        public Walk(TW0001Collector owner, IOperation block)
        {
            _owner = owner;
            _block = block;
        }

        public List<BodySummary> Bodies { get; } = new();

        private LaunchApi Launches => _owner._model.Launches;

        /// <summary>Delegate locals assigned once, and the lambdas handed (directly or through such a local) to a launching call.</summary>
        public void FindLaunchedLambdas()
        {
            var candidates = new List<IOperation>();
            foreach (var operation in _block.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Symbol: { } local } declarator:
                        if ((declarator.Initializer?.Value ?? declarator.GetVariableInitializer()?.Value) is { } initializer)
                        {
                            if (local.Type.TypeKind == TypeKind.Delegate)
                            {
                                NoteDelegateValue(local, initializer);
                            }

                            NoteFreshness(local, initializer);
                        }

                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local: var assigned } } assignment:
                        if (assigned.Type.TypeKind == TypeKind.Delegate)
                        {
                            NoteDelegateValue(assigned, assignment.Value);
                        }

                        NoteFreshness(assigned, assignment.Value);
                        break;
                    case IArgumentOperation { Parameter.RefKind: not RefKind.None, Value: ILocalReferenceOperation passed }:
                        _freshLocals[passed.Local] = false;
                        break;
                    case IDeconstructionAssignmentOperation deconstruction:
                        foreach (var target in deconstruction.Target.DescendantsAndSelf())
                        {
                            if (target is ILocalReferenceOperation written)
                            {
                                _freshLocals[written.Local] = false;
                            }
                        }

                        break;
                    case IInvocationOperation { Arguments.IsEmpty: false } or IObjectCreationOperation { Arguments.IsEmpty: false } or IEventAssignmentOperation:
                        // Without arguments a call or creation launches, schedules and repeats nothing.
                        candidates.Add(operation);
                        break;
                }
            }

            foreach (var candidate in candidates)
            {
                if (candidate is IInvocationOperation { Instance: ILocalReferenceOperation task, Arguments: { Length: 1 } arguments } start &&
                    _owner._model.Tasks.StartMethods.ContainsMethod(start.TargetMethod) && _owner.IsCustomScheduler(arguments[0]))
                {
                    _scheduledTasks.Add(task.Local);
                }

                NoteRepeatingLambdas(candidate);
                foreach (var (value, _) in LaunchedValues(candidate))
                {
                    if (Resolve(value, null).Syntax is { } lambda)
                    {
                        _launchedLambdas.Add(lambda);
                    }
                }
            }
        }

        /// <summary>Lambdas that run once per element (LINQ operators, List/Array.ForEach) or per event (handlers).</summary>
        private void NoteRepeatingLambdas(IOperation operation)
        {
            if (operation is IEventAssignmentOperation { Adds: true } subscription)
            {
                AddRepeating(subscription.HandlerValue);
            }
            else if (operation is IInvocationOperation invocation && _owner.RunsDelegatePerElement(invocation.TargetMethod))
            {
                foreach (var argument in invocation.Arguments)
                {
                    AddRepeating(argument.Value);
                }
            }

            void AddRepeating(IOperation value)
            {
                value = Unwrap(value);
                if (value is IDelegateCreationOperation creation)
                {
                    value = Unwrap(creation.Target);
                }

                if (value is IAnonymousFunctionOperation lambda)
                {
                    _repeatingLambdas.Add(lambda.Syntax);
                }
            }
        }

        /// <summary>A local is fresh when every value it is assigned is a new object (one object per execution of the body).</summary>
        private void NoteFreshness(ILocalSymbol local, IOperation value) =>
            _freshLocals[local] = (!_freshLocals.TryGetValue(local, out var fresh) || fresh) && !local.IsRef &&
                                  Unwrap(value) is IObjectCreationOperation;

        private HashSet<ILocalSymbol> Fresh
        {
            get
            {
                if (_fresh is null)
                {
                    HashSet<ILocalSymbol>? fresh = null;
                    foreach (var pair in _freshLocals)
                    {
                        if (pair.Value)
                        {
                            (fresh ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)).Add(pair.Key);
                        }
                    }

                    _fresh = fresh ?? BodySummary.NoLocals;
                }

                return _fresh;
            }
        }

        /// <summary>A delegate local assigned once resolves to its value; assigned twice, to nothing.</summary>
        private void NoteDelegateValue(ILocalSymbol local, IOperation value) =>
            _delegateLocals[local] = _delegateLocals.ContainsKey(local) ? null : value;

        private IEnumerable<(IOperation Value, LaunchKind Kind)> LaunchedValues(IOperation operation)
        {
            if (operation is IEventAssignmentOperation { Adds: true } subscription)
            {
                return subscription.EventReference is IEventReferenceOperation reference &&
                       Launches.TimersTimerElapsed is { } elapsed &&
                       SymbolEqualityComparer.Default.Equals(reference.Event.OriginalDefinition, elapsed)
                    ? new[] { (subscription.HandlerValue, LaunchKind.ConcurrentWithItself) }
                    : System.Array.Empty<(IOperation, LaunchKind)>();
            }

            return Launches.LaunchedDelegateValues(operation);
        }

        /// <summary>The lambda or method a delegate value runs; <paramref name="body"/> classifies a method group's receiver.</summary>
        private (object? Target, SyntaxNode? Syntax, Receiver Receiver) Resolve(IOperation value, BodySummary? body, int depth = 0)
        {
            value = Unwrap(value);
            if (value is IDelegateCreationOperation creation)
            {
                value = Unwrap(creation.Target);
            }

            switch (value)
            {
                case IAnonymousFunctionOperation lambda:
                    return (lambda.Syntax, lambda.Syntax, Receiver.This);
                case IMethodReferenceOperation reference:
                    var receiver = reference.Method.IsStatic || body is null ? Receiver.Unknown : ReceiverOf(reference.Instance, body, forLaunch: true);
                    return (MethodKey(reference.Method), null, receiver);
                case ILocalReferenceOperation local when depth == 0 && _delegateLocals.TryGetValue(local.Local, out var initial) && initial is not null:
                    return Resolve(initial, body, depth + 1);
                default:
                    return (null, null, Receiver.Unknown);
            }
        }

        private Receiver ReceiverOf(IOperation? instance, BodySummary body, bool forLaunch)
        {
            if (instance is null || Unwrap(instance) is IInstanceReferenceOperation)
            {
                return Receiver.This;
            }

            if (!forLaunch && (Unwrap(instance) is IObjectCreationOperation ||
                               (Unwrap(instance) is ILocalReferenceOperation local && Fresh.Contains(local.Local) && body.Declares(local.Local))))
            {
                return Receiver.Fresh;
            }

            if (!AccessPath.TryCreate(instance, out var path))
            {
                return Receiver.Unknown;
            }

            return path.Root switch
            {
                IFieldSymbol f => Receiver.Of(SymbolPath.From(path), rootIsThisMember: !f.IsStatic),
                IPropertySymbol p => Receiver.Of(SymbolPath.From(path), rootIsThisMember: !p.IsStatic),
                ILocalSymbol or IParameterSymbol when forLaunch || !body.Declares(path.Root) => Receiver.Of(SymbolPath.From(path), rootIsThisMember: false),
                _ => Receiver.Unknown,
            };
        }

        public void Run(BodySummary root, bool synchronized)
        {
            root.FreshLocals = Fresh;
            Bodies.Add(root);
            var stack = new Stack<(IOperation Operation, BodySummary Body, bool Locked)>();
            stack.Push((_block, root, synchronized));
            while (stack.Count > 0)
            {
                var (operation, body, locked) = stack.Pop();
                if (locked && operation is IConditionalOperation)
                {
                    _lockedIfs.Add(operation); // TW0016: a check made under a lock
                }

                switch (operation)
                {
                    case IAnonymousFunctionOperation lambda:
                        if (_launchedLambdas.Contains(lambda.Syntax))
                        {
                            var lambdaBody = new BodySummary(lambda.Syntax, lambda.Syntax, isConstructor: false) { FreshLocals = Fresh };
                            Bodies.Add(lambdaBody);
                            stack.Push((lambda.Body, lambdaBody, false));
                        }
                        else
                        {
                            stack.Push((lambda.Body, body, locked));
                        }

                        continue;
                    case ILocalFunctionOperation localFunction:
                        if (localFunction.Body is { } localBody)
                        {
                            var functionBody = new BodySummary(MethodKey(localFunction.Symbol), localFunction.Syntax, isConstructor: false) { FreshLocals = Fresh };
                            Bodies.Add(functionBody);
                            stack.Push((localBody, functionBody, false));
                        }

                        continue;
                    case ILockOperation lockOperation:
                        stack.Push((lockOperation.LockedValue, body, locked));
                        stack.Push((lockOperation.Body, body, true));
                        continue;
                    case IUsingOperation usingOperation when _owner.ContainsInvocation(usingOperation.Resources, acquire: true):
                        stack.Push((usingOperation.Resources, body, locked));
                        stack.Push((usingOperation.Body, body, true));
                        continue;
                    case ITryOperation tryOperation when _owner.ContainsInvocation(tryOperation.Finally, acquire: false):
                        stack.Push((tryOperation.Body, body, true));
                        foreach (var handler in tryOperation.Catches)
                        {
                            stack.Push((handler, body, true));
                        }

                        stack.Push((tryOperation.Finally!, body, locked));
                        continue;
                    case IBlockOperation block:
                        var acquired = false;
                        foreach (var statement in block.Operations)
                        {
                            if ((locked || acquired) && statement is IConditionalOperation)
                            {
                                // TW0016: noted now, as a guard clause is checked from the later statements, popped first.
                                _lockedIfs.Add(statement);
                            }

                            stack.Push((statement, body, locked || acquired));
                            if (_owner.IsAcquireStatement(statement))
                            {
                                acquired = true;
                            }
                            else if (_owner.IsReleaseStatement(statement))
                            {
                                acquired = false;
                            }
                        }

                        continue;
                    case IConditionalOperation conditional when _owner.ContainsInvocation(conditional.Condition, acquire: true):
                        _lockedIfs.Add(conditional);
                        stack.Push((conditional.Condition, body, locked));
                        stack.Push((conditional.WhenTrue, body, true));
                        if (conditional.WhenFalse is { } whenFalse)
                        {
                            stack.Push((whenFalse, body, locked));
                        }

                        continue;
                    case IIncrementOrDecrementOperation increment:
                        NoteCheck(Record(increment.Target, increment.Kind == OperationKind.Increment ? ReadModifyWriteKind.Increment : ReadModifyWriteKind.Decrement, body, locked, increment.Syntax), increment);
                        break;
                    case ICompoundAssignmentOperation compound:
                        NoteCheck(Record(compound.Target, ReadModifyWriteKind.Update, body, locked, compound.Syntax), compound);
                        break;
                    case ISimpleAssignmentOperation assignment:
                        NoteCheck(Record(assignment.Target, IsSelfUpdate(assignment) ? ReadModifyWriteKind.Update : ReadModifyWriteKind.None, body, locked, assignment.Syntax), assignment);
                        break;
                    case IInvocationOperation invocation:
                        RecordCall(invocation, body, locked);
                        RecordLaunches(invocation, body);
                        RecordTimerChange(invocation, body);
                        var target = invocation.TargetMethod;
                        var inSource = !target.DeclaringSyntaxReferences.IsEmpty || target.PartialImplementationPart is not null;
                        foreach (var argument in invocation.Arguments)
                        {
                            if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out &&
                                Record(argument.Value, ReadModifyWriteKind.None, body, locked, argument.Syntax) is { } passed &&
                                NoteRefAct(passed, invocation) && argument.Parameter.RefKind == RefKind.Ref && inSource && !locked)
                            {
                                // Inc(ref total): a read-modify-write if the callee updates that parameter.
                                passed.RefCallee = MethodKey(target);
                                passed.RefOrdinal = argument.Parameter.Ordinal;
                            }
                            else if (argument.Parameter?.RefKind == RefKind.Ref && inSource && !locked &&
                                     Unwrap(argument.Value) is IParameterReferenceOperation { Parameter: { RefKind: RefKind.Ref } forwarded } &&
                                     body.Declares(forwarded))
                            {
                                // Inc(ref int x) => Add(ref x, 1): this body updates x if the callee updates its parameter.
                                body.RefForwards.Add((forwarded.Ordinal, MethodKey(target), argument.Parameter.Ordinal));
                            }
                        }

                        break;
                    case IObjectCreationOperation or IEventAssignmentOperation:
                        RecordLaunches(operation, body);
                        break;
                }

                foreach (var child in operation.ChildOperations)
                {
                    stack.Push((child, body, locked));
                }
            }
        }

        /// <summary>TW0016: the unlocked <c>if</c> (enclosing, or a guard clause before it) whose condition checks what <paramref name="write"/> then changes, if any.</summary>
        private void NoteCheck(StorageAccess? access, IOperation write)
        {
            if (access is { IsElement: false, Root: not StorageRoot.OwnLocal })
            {
                access.Check = TW0016Checks.Find(write, _lockedIfs, _owner._model.Locks);
            }
        }

        /// <summary>TW0016: <c>Interlocked.Add(ref x, …)</c> under a check of x is a check-then-act too (always true).</summary>
        private bool NoteRefAct(StorageAccess passed, IInvocationOperation invocation)
        {
            NoteCheck(passed, invocation);
            return true;
        }

        private static bool IsSelfUpdate(ISimpleAssignmentOperation assignment)
        {
            if (!AccessPath.TryCreate(Unwrap(assignment.Target), out var target) || Unwrap(assignment.Value) is not IBinaryOperation binary)
            {
                return false;
            }

            var pending = new Stack<IOperation>();
            pending.Push(binary);
            var budget = 64;
            while (pending.Count > 0 && budget-- > 0)
            {
                var operand = Unwrap(pending.Pop());
                if (operand is IBinaryOperation nested)
                {
                    pending.Push(nested.LeftOperand);
                    pending.Push(nested.RightOperand);
                }
                else if (AccessPath.TryCreate(operand, out var read) && read.Equals(target))
                {
                    return true;
                }
            }

            return false;
        }

        private StorageAccess? Record(IOperation target, ReadModifyWriteKind kind, BodySummary body, bool locked, SyntaxNode syntax)
        {
            var operation = Unwrap(target);
            var pathOperation = operation;
            var isElement = false;
            ISymbol? indexSymbol = null;
            var indexIsConstant = false;
            if (operation is IArrayElementReferenceOperation element)
            {
                if (element.Indices.Length != 1)
                {
                    return null;
                }

                isElement = true;
                pathOperation = element.ArrayReference;
                var index = Unwrap(element.Indices[0]);
                indexIsConstant = index.ConstantValue.HasValue;
                indexSymbol = index switch
                {
                    ILocalReferenceOperation l => l.Local,
                    IParameterReferenceOperation p => p.Parameter,
                    _ => null,
                };
            }

            if (!AccessPath.TryCreate(pathOperation, out var path))
            {
                return null;
            }

            StorageRoot root;
            switch (path.Root)
            {
                case IFieldSymbol field:
                    if (IsThreadStatic(field))
                    {
                        return null;
                    }

                    root = field.IsStatic ? StorageRoot.Static : StorageRoot.This;
                    break;
                case IPropertySymbol property:
                    root = property.IsStatic ? StorageRoot.Static : StorageRoot.This;
                    break;
                case ILocalSymbol local:
                    if (local.IsRef)
                    {
                        return null;
                    }

                    root = body.Declares(local) ? StorageRoot.OwnLocal : StorageRoot.Captured;
                    break;
                case IParameterSymbol parameter:
                    if (parameter.RefKind != RefKind.None)
                    {
                        if (parameter.RefKind == RefKind.Ref && kind != ReadModifyWriteKind.None && !locked && !isElement &&
                            path.Symbols.Length == 1 && body.Declares(parameter))
                        {
                            body.RefParameterUpdates[parameter.Ordinal] = kind;
                        }

                        return null;
                    }

                    root = body.Declares(parameter) ? StorageRoot.OwnLocal : StorageRoot.Captured;
                    break;
                default:
                    return null;
            }

            var access = new StorageAccess(root, SymbolPath.From(path), isElement, kind, locked, syntax)
            {
                IndexSymbol = indexSymbol,
                IndexIsConstant = indexIsConstant,
            };
            body.Accesses.Add(access);
            return access;
        }

        private bool IsThreadStatic(IFieldSymbol field)
        {
            var attribute = _owner._model.Threads.ThreadStaticAttribute;
            if (attribute is null || !field.IsStatic)
            {
                return false;
            }

            foreach (var a in field.GetAttributes())
            {
                if (a.AttributeClass.Is(attribute))
                {
                    return true;
                }
            }

            return false;
        }

        private void RecordCall(IInvocationOperation invocation, BodySummary body, bool locked)
        {
            var target = invocation.TargetMethod;
            if (locked || target.DeclaringSyntaxReferences.IsEmpty && target.PartialImplementationPart is null)
            {
                return;
            }

            var receiver = target.IsStatic ? Receiver.Unknown : ReceiverOf(invocation.Instance, body, forLaunch: false);
            if (!receiver.IsThis && !receiver.IsFresh && !receiver.Path.IsUnknown && AssignedNewJustBefore(invocation, receiver.Path))
            {
                receiver = Receiver.Fresh;
            }

            body.Calls.Add(new CallEdge(MethodKey(target), receiver));
        }

        /// <summary><c>_conn = new Connection(…); _conn.Start();</c>: an earlier statement of the same block stored a new object there.</summary>
        private static bool AssignedNewJustBefore(IOperation call, SymbolPath path)
        {
            var statement = call;
            while (statement.Parent is not null and not IBlockOperation)
            {
                statement = statement.Parent;
            }

            if (statement.Parent is not IBlockOperation block)
            {
                return false;
            }

            for (var i = block.Operations.IndexOf(statement) - 1; i >= 0; i--)
            {
                foreach (var operation in block.Operations[i].DescendantsAndSelf())
                {
                    if (operation is IAssignmentOperation assignment && AccessPath.TryCreate(Unwrap(assignment.Target), out var written) &&
                        SymbolPath.From(written).Equals(path))
                    {
                        // The nearest earlier write decides: fresh only if it is the whole statement 'path = new X(…)'.
                        return block.Operations[i] is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation top } &&
                               top == assignment && Unwrap(top.Value) is IObjectCreationOperation;
                    }
                }
            }

            return false;
        }

        private void RecordLaunches(IOperation operation, BodySummary body)
        {
            var method = operation switch
            {
                IInvocationOperation i => i.TargetMethod,
                IObjectCreationOperation c => c.Constructor,
                _ => null,
            };
            foreach (var (value, launchKind) in LaunchedValues(operation))
            {
                var (target, syntax, receiver) = Resolve(value, body);
                if (target is null)
                {
                    continue;
                }

                var kind = launchKind;
                SyntaxNode? invokeGroup = null;
                if (method is not null && method.Name == "Invoke" && method.ContainingType.Is(Launches.Parallel))
                {
                    // Parallel.Invoke runs each action once, all of them together.
                    kind = LaunchKind.Once;
                    invokeGroup = operation.Syntax;
                }

                var site = new LaunchSite(body, body.Launches.Count, kind, method, operation.Syntax, target, syntax, receiver)
                {
                    InvokeGroup = invokeGroup,
                };
                site.CustomScheduler = operation switch
                {
                    IInvocationOperation invocation => invocation.Arguments.Any(_owner.IsCustomScheduler),
                    IObjectCreationOperation coldTask => TW0001Timers.StorageOf(coldTask) is ILocalSymbol local && _scheduledTasks.Contains(local),
                    _ => false,
                };
                if (operation is IObjectCreationOperation { Constructor: { } constructor } creation && _owner._timerConstructors.Contains(constructor.OriginalDefinition))
                {
                    site.OneShotTimer = TW0001Timers.IsInfinite(TW0001Timers.Argument(creation.Arguments, "period"));
                    site.TimerSymbol = TW0001Timers.StorageOf(creation);
                }

                MarkRepetition(site, body);
                body.Launches.Add(site);
            }
        }

        private void RecordTimerChange(IInvocationOperation invocation, BodySummary body)
        {
            if (_owner._timerChange.ContainsMethod(invocation.TargetMethod) && TW0001Timers.LastSymbol(invocation.Instance) is { } timer)
            {
                body.TimerChanges.Add(new TimerChange(
                    timer,
                    disarms: TW0001Timers.IsInfinite(TW0001Timers.Argument(invocation.Arguments, "dueTime")),
                    oneShot: TW0001Timers.IsInfinite(TW0001Timers.Argument(invocation.Arguments, "period")),
                    atEnd: TW0001Timers.IsAtEnd(invocation.Syntax, body.Syntax)));
            }
        }

        /// <summary>A launch inside a loop, or inside a lambda that is not itself launched (a LINQ selector, an event handler), may run many times.</summary>
        private void MarkRepetition(LaunchSite site, BodySummary body)
        {
            for (var node = site.Site.Parent; node is not null && node != body.Syntax; node = node.Parent)
            {
                SyntaxNode? scope = node switch
                {
                    ForStatementSyntax f when IsWithin(site.Site, f.Statement) || f.Incrementors.Any(i => IsWithin(site.Site, i)) || (f.Condition is { } c && IsWithin(site.Site, c)) => f.Statement,
                    CommonForEachStatementSyntax f when IsWithin(site.Site, f.Statement) => f,
                    WhileStatementSyntax w => w.Statement,
                    DoStatementSyntax d => d.Statement,
                    AnonymousFunctionExpressionSyntax lambda when _repeatingLambdas.Contains(lambda) => lambda,
                    _ => null,
                };
                if (scope is null && node is AnonymousFunctionExpressionSyntax)
                {
                    // A lambda that runs at some other time (Lazy, a callback): what surrounds it says nothing about repetition.
                    break;
                }

                if (scope is not null)
                {
                    if (node is AnonymousFunctionExpressionSyntax)
                    {
                        site.InRepeatedLambda = true;
                    }
                    else
                    {
                        site.InLoop = true;
                    }

                    site.RepeatScopes.Add(scope);
                }
            }
        }

        private static bool IsWithin(SyntaxNode node, SyntaxNode container) => container.Span.Contains(node.Span);
    }
}
