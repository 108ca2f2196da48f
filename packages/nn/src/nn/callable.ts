// How a Module instance becomes callable: `model(x)` as in PyTorch.
//
// JavaScript can only call functions, so Module's constructor builds a function
// object and returns it in place of the plain object `new` made:
//   - its prototype is `new.target.prototype`, so `instanceof`, methods and
//     getters work, and a subclass constructor receives it as `this` (a derived
//     class's `this` is what super() returned), so class fields and assignments
//     in subclass constructors land on it;
//   - it is an arrow function: no own `prototype`, `arguments` or `caller`;
//     its own `name` and `length` are deleted, because they are read-only and
//     modules may have attributes of those names;
//   - Module.prototype inherits from Function.prototype (see `callablePrototype`),
//     so the Function members TypeScript attributes to every callable type
//     (call, bind, toString) exist at run time too. Module overrides `apply` and
//     `toString` with PyTorch's meanings.
// The call itself goes through `__call__`, as in Python, so a subclass may
// override it.

export interface CallableSelf {
  __call__(...args: unknown[]): unknown;
}

/** A callable object whose prototype is `proto`; calling it runs `self.__call__(...args)`. */
export function callableInstance<T extends CallableSelf>(proto: object): T {
  const self = ((...args: unknown[]) => self.__call__(...args)) as unknown as T;
  delete (self as { name?: unknown }).name;
  delete (self as { length?: unknown }).length;
  Object.setPrototypeOf(self, proto);
  return self;
}

/**
 * Makes `proto` (Module.prototype) inherit from Function.prototype. Function's
 * `name` and `length` are read-only there and would make plain assignments
 * such as `this.name = "encoder"` throw, so they are shadowed by accessors that
 * turn an assignment into an own property.
 */
export function callablePrototype(proto: object, defaults: { name(self: object): string }): void {
  Object.setPrototypeOf(proto, Function.prototype);
  const own = (key: string, get: (self: object) => unknown) =>
    Object.defineProperty(proto, key, {
      configurable: true,
      get(this: object) {
        return get(this);
      },
      set(this: object, v: unknown) {
        Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  own("name", defaults.name);
  own("length", () => 0);
}
