// Group membership: a member is an ephemeral znode `<group>/<memberId>` owned by its session, so
// it leaves the group when it leaves or when its session ends (crash, expiry). Joining is safe
// when a create's reply is lost: the member reads the node back and takes it only if its own
// session owns it; a node of another session (another process with the same id, or this
// process's expired session) is refused, never adopted.

import type { ZooClient } from '../../api/zoo-client.js';
import { CreateMode, ErrorCode } from '../../protocol/index.js';
import { nodeRecipeEnv, type RecipeEnv } from '../support/recipe-env.js';
import { RetryLater, retryPolicyOf, retryWithBackoff, type RetryPolicy } from '../support/retry.js';
import { childPath, createParentThenRetry } from '../support/znode-paths.js';
import { hasCode, isOutcomeUnknown } from '../support/zoo-error-kinds.js';

export interface GroupMemberOptions {
  /** The group's znode; created (with its ancestors) on first use. */
  group: string;
  /** This member's name in the group: unique among live members, no `/`. */
  memberId: string;
  /** Data stored in the member's node (an address, a weight). */
  data?: Buffer | null;
  env?: RecipeEnv;
  retry?: Partial<RetryPolicy>;
}

/** Another live session holds this member id. */
export class MemberIdTakenError extends Error {
  override readonly name = 'MemberIdTakenError';
}

export class GroupMember {
  readonly path: string;
  private readonly env: RecipeEnv;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly client: ZooClient,
    private readonly options: GroupMemberOptions,
  ) {
    if (options.memberId.length === 0 || options.memberId.includes('/')) {
      throw new RangeError(`member id ${JSON.stringify(options.memberId)} is not a node name`);
    }
    this.path = childPath(options.group, options.memberId);
    this.env = options.env ?? nodeRecipeEnv();
    this.policy = retryPolicyOf(options.retry);
  }

  /** Joins the group; resolves once this session's member node exists. */
  async join(): Promise<void> {
    const context = { env: this.env, policy: this.policy, what: `join ${this.path}` };
    await retryWithBackoff(context, async () => {
      try {
        await this.client.create(this.path, this.options.data ?? null, {
          mode: CreateMode.ephemeral,
        });
        return true;
      } catch (error) {
        if (hasCode(error, ErrorCode.NoNode)) {
          return createParentThenRetry(this.client, this.options.group, error);
        }
        // A lost reply, or a node already there: whose is it?
        if (isOutcomeUnknown(error) || hasCode(error, ErrorCode.NodeExists)) {
          return this.ownsNode(error);
        }
        throw error;
      }
    });
  }

  /** Leaves the group (deletes this session's node); a node that is gone already is fine. */
  async leave(): Promise<void> {
    const context = { env: this.env, policy: this.policy, what: `leave ${this.path}` };
    await retryWithBackoff(context, async () => {
      try {
        const stat = await this.client.exists(this.path);
        if (stat === null || stat.ephemeralOwner !== this.client.sessionId) return true;
        await this.client.delete(this.path, stat.version);
        return true;
      } catch (error) {
        if (hasCode(error, ErrorCode.NoNode, ErrorCode.BadVersion)) return new RetryLater(error);
        if (isOutcomeUnknown(error)) return new RetryLater(error, true);
        throw error;
      }
    });
  }

  private async ownsNode(cause: unknown): Promise<true | RetryLater> {
    try {
      await this.client.sync(this.path);
      const stat = await this.client.exists(this.path);
      if (stat === null) return new RetryLater(cause, true);
      if (stat.ephemeralOwner === this.client.sessionId) return true;
      throw new MemberIdTakenError(
        `${this.path} is held by session 0x${stat.ephemeralOwner.toString(16)}`,
      );
    } catch (error) {
      if (isOutcomeUnknown(error)) return new RetryLater(error, true);
      throw error;
    }
  }
}
