// Makes sure Symbol.asyncDispose exists before a held lock uses it as a method name: Node 20
// defines it only from 20.4 on (its typing comes from tsconfig's esnext.disposable lib).
// Imported for its effect by every file that defines [Symbol.asyncDispose].

const symbols = Symbol as { asyncDispose?: symbol };
symbols.asyncDispose ??= Symbol.for('Symbol.asyncDispose');
