/**
 * Providers and the app's container: `bootstrap(app, gateways, { providers })` registers them
 * as singletons; every class a gateway, guard, interceptor, filter or pipe needs is checked
 * before anything is built, so a missing token or a cycle is a `ready()` error naming the
 * chain, and plain service classes need no `@injectable()` when their parameter types are known.
 */
import {
  container as globalContainer,
  injectable,
  Lifecycle,
  type DependencyContainer,
  type InjectionToken,
} from 'tsyringe';
import type { Constructor } from '../definition';
import { Errors } from '../errors';
import { readConstructorDependencies } from '../metadata';
import { Connection } from './connection';
import { FASTIFY_REQUEST } from './container';
import { isClass } from './enhancers';
import { GatewayServer } from './gateway-server';

type Token<T = unknown> = InjectionToken<T>;

/**
 * One entry of `bootstrap(app, gateways, { providers })`.
 *
 * @example
 * const providers: Provider[] = [
 *   MessageStore,
 *   { provide: 'CONFIG', useValue: { url: 'redis://localhost' } },
 *   { provide: Clock, useClass: SystemClock },
 *   { provide: Db, useFactory: async (config: Config) => Db.connect(config.url), inject: ['CONFIG'] },
 * ];
 */
export type Provider =
  | Constructor
  | { readonly provide: ProviderToken; readonly useValue: unknown }
  | { readonly provide: ProviderToken; readonly useClass: Constructor }
  | {
      readonly provide: ProviderToken;
      readonly useFactory: (...args: any[]) => unknown;
      readonly inject?: readonly ProviderToken[];
    };

/**
 * What a provider is registered under: a class (abstract ones and ones with a private
 * constructor too), a string or a symbol.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ProviderToken = string | symbol | Function;

interface FactoryProvider {
  readonly provide: Token;
  readonly useFactory: (...args: unknown[]) => unknown;
  readonly inject: readonly Token[];
}

type Normal =
  | { readonly kind: 'class'; readonly token: Token; readonly target: Constructor }
  | { readonly kind: 'value'; readonly token: Token; readonly value: unknown }
  | ({ readonly kind: 'factory'; readonly token: Token } & FactoryProvider);

/** Where a token can be built: anywhere, in a gateway's container, or only per connection. */
const APP = 0;
const GATEWAY = 1;
const CONNECTION = 2;
type Level = typeof APP | typeof GATEWAY | typeof CONNECTION;

// Types that say nothing about what to inject: an interface, `import type`, or a primitive.
const UNTYPED = new Set<unknown>([
  undefined,
  Object,
  String,
  Number,
  Boolean,
  Symbol,
  BigInt,
  Array,
  Function,
]);

/** The name of a token in messages. */
export function tokenName(token: unknown): string {
  if (typeof token === 'function') return token.name || 'an anonymous class';
  if (typeof token === 'string') return JSON.stringify(token);
  return String(token);
}

/** The app's container: its providers, and what was built in the order `onReady` runs. */
export class AppContainer {
  readonly container: DependencyContainer;
  private readonly providers = new Map<unknown, Normal>();
  private readonly levels = new Map<unknown, Level>();
  private readonly visiting: unknown[] = [];
  private readonly factories: FactoryProvider[] = [];
  /** App-level tokens in dependency order (dependencies first), for `onReady`. */
  private readonly order: Token[] = [];

  constructor(parent: DependencyContainer | undefined) {
    this.container = (parent ?? globalContainer).createChildContainer();
  }

  /** Registers `providers`, then runs the async factories in dependency order. */
  async register(providers: readonly Provider[] | undefined): Promise<void> {
    if (providers === undefined) return;
    if (!Array.isArray(providers)) {
      throw Errors.INVALID_ARGUMENT('bootstrap() providers', 'pass an array of providers');
    }
    // Array.from, not map: a hole in a sparse list is a missing provider, not skipped.
    const normal = Array.from(providers, (provider, index) => normalize(provider, index));
    for (const provider of normal) {
      this.providers.set(provider.token, provider);
      this.levels.delete(provider.token);
    }
    for (const provider of normal)
      this.check(provider.token, 'bootstrap() providers', this.container);
    for (const factory of this.factories) {
      const args = factory.inject.map((token) => this.container.resolve(token));
      let value: unknown;
      try {
        value = await factory.useFactory(...args);
      } catch (error) {
        throw Object.assign(
          Errors.PROVIDER_FAILED(
            tokenName(factory.provide),
            error instanceof Error ? error.message : String(error),
          ),
          { cause: error },
        );
      }
      this.container.registerInstance(factory.provide, value);
    }
  }

  /**
   * Checks that `target` (a gateway, guard, interceptor, filter or pipe class) can be built
   * in `container`, registering the plain classes it needs as singletons on the way.
   */
  checkClass(target: Constructor, container: DependencyContainer): void {
    this.visiting.push(target);
    try {
      this.checkDependencies(target, tokenName(target), container, true);
    } finally {
      this.visiting.pop();
    }
  }

  /** Builds a class through `container` as a singleton of that container. */
  resolve(target: Constructor, container: DependencyContainer): object {
    this.checkClass(target, container);
    if (!container.isRegistered(target as Token, true)) {
      container.register(
        target as Token,
        { useClass: target as never },
        { lifecycle: Lifecycle.ContainerScoped },
      );
    }
    return container.resolve(target as Token<object>);
  }

  /** Every app-level provider and service, built now, dependencies first. */
  instances(): object[] {
    const seen = new Set<unknown>();
    const built: object[] = [];
    for (const token of this.order) {
      const value = this.container.resolve(token);
      if (typeof value === 'object' && value !== null && !seen.has(value)) {
        seen.add(value);
        built.push(value);
      }
    }
    return built;
  }

  private check(token: unknown, neededBy: string, container: DependencyContainer): Level {
    const known = this.levels.get(token);
    if (known !== undefined) return known;
    if (token === GatewayServer) return GATEWAY;
    if (token === Connection || token === FASTIFY_REQUEST) return CONNECTION;
    if (this.visiting.includes(token)) {
      const chain = [...this.visiting.slice(this.visiting.indexOf(token)), token];
      throw Errors.PROVIDER_CYCLE(chain.map(tokenName).join(' -> '));
    }
    const provider = this.providers.get(token);
    if (provider === undefined && container.isRegistered(token as Token, true)) return APP;
    if (provider === undefined && !isClass(token)) {
      throw Errors.MISSING_PROVIDER(tokenName(token), this.chain(neededBy));
    }
    this.visiting.push(token);
    let level: Level = APP;
    try {
      if (provider === undefined) {
        level = this.checkDependencies(token as Constructor, tokenName(token), container, true);
        if (level === APP) this.container.registerSingleton(token as Constructor<unknown> as never);
        else if (level === GATEWAY) container.registerSingleton(token as never);
      } else if (provider.kind === 'class') {
        level = this.checkDependencies(
          provider.target,
          tokenName(provider.target),
          this.container,
          false,
        );
        this.container.register(
          provider.token,
          { useClass: provider.target as never },
          { lifecycle: Lifecycle.Singleton },
        );
      } else if (provider.kind === 'value') {
        this.container.registerInstance(provider.token, provider.value);
      } else {
        for (const dependency of provider.inject) {
          level = Math.max(
            level,
            this.check(dependency, tokenName(token), this.container),
          ) as Level;
        }
        this.factories.push(provider);
      }
    } finally {
      this.visiting.pop();
    }
    if (level === APP) {
      this.levels.set(token, level);
      this.order.push(token as Token);
    }
    return level;
  }

  /** Checks a class's constructor parameters; returns the narrowest level among them. */
  private checkDependencies(
    target: Constructor,
    name: string,
    container: DependencyContainer,
    gatewayLevel: boolean,
  ): Level {
    const dependencies = readConstructorDependencies(target);
    if (dependencies === undefined) throw Errors.NO_TYPE_METADATA(name, this.chain(name));
    let level: Level = APP;
    dependencies.forEach(({ token, explicit, optional }, index) => {
      if (optional) return;
      if (!explicit && UNTYPED.has(token)) {
        throw Errors.MISSING_PROVIDER(
          `parameter ${index} of ${name} (typed ${token === undefined ? 'with nothing' : tokenName(token)})`,
          this.chain(name),
        );
      }
      const needed = this.check(token, name, gatewayLevel ? container : this.container);
      level = Math.max(level, needed) as Level;
    });
    // tsyringe needs type info to build a class with parameters; we have read it, so give it.
    if (target.length > 0 || dependencies.length > 0) injectable()(target as never);
    return level;
  }

  private chain(last: string): string {
    const names = this.visiting.map(tokenName);
    if (names[names.length - 1] !== last) names.push(last);
    return names.join(' -> ');
  }
}

function normalize(provider: unknown, index: number): Normal {
  if (isClass(provider)) return { kind: 'class', token: provider as Token, target: provider };
  if (typeof provider !== 'object' || provider === null || !('provide' in provider)) {
    throw Errors.INVALID_PROVIDER(
      index,
      'pass a class, or an object with provide and one of useValue, useClass, useFactory',
    );
  }
  const entry = provider as Record<string, unknown>;
  const token = entry.provide as Token;
  if (typeof token !== 'string' && typeof token !== 'symbol' && typeof token !== 'function') {
    throw Errors.INVALID_PROVIDER(index, 'provide must be a class, a string or a symbol');
  }
  const forms = ['useValue', 'useClass', 'useFactory'].filter((key) => key in entry);
  if (forms.length !== 1) {
    throw Errors.INVALID_PROVIDER(
      index,
      `${tokenName(token)} needs exactly one of useValue, useClass, useFactory`,
    );
  }
  if (forms[0] === 'useValue') return { kind: 'value', token, value: entry.useValue };
  if (forms[0] === 'useClass') {
    if (!isClass(entry.useClass)) {
      throw Errors.INVALID_PROVIDER(index, `useClass of ${tokenName(token)} must be a class`);
    }
    return { kind: 'class', token, target: entry.useClass };
  }
  const inject = entry.inject ?? [];
  if (typeof entry.useFactory !== 'function' || !Array.isArray(inject)) {
    throw Errors.INVALID_PROVIDER(
      index,
      `useFactory of ${tokenName(token)} must be a function and inject an array of tokens`,
    );
  }
  return {
    kind: 'factory',
    token,
    provide: token,
    useFactory: entry.useFactory as (...args: unknown[]) => unknown,
    inject: inject as Token[],
  };
}
