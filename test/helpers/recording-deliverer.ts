/** A Deliverer for tests: records every message (activation codes among them) or fails as told. */
import type { ChannelType, Deliverer, DeliveryError, DeliveryResult, OutboundMessage } from '../../src/delivery/delivery.js';

/** Records what it is sent; set `failWith` to make sends throw, `configured` to say which types it serves. */
export class RecordingDeliverer implements Deliverer {
  readonly sent: OutboundMessage[] = [];
  failWith?: DeliveryError;
  configured = new Set<ChannelType>(['EMAIL', 'SMS', 'VOICE']);

  canDeliver(channelType: ChannelType): boolean {
    return this.configured.has(channelType);
  }

  async send(message: OutboundMessage): Promise<DeliveryResult> {
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
    return { status: 'SENT', provider: 'recording', providerMessageId: String(this.sent.length) };
  }

  /** The messages sent to a channel, oldest first. */
  sentTo(channelArn: string): OutboundMessage[] {
    return this.sent.filter((m) => m.metadata?.contactChannelArn === channelArn);
  }

  /** The last activation code sent to a channel (throws if none was). */
  codeFor(channelArn: string): string {
    const last = this.sentTo(channelArn).filter((m) => m.kind === 'activation-code').at(-1);
    if (!last) throw new Error(`no activation code was sent to ${channelArn}`);
    return last.metadata!.activationCode!;
  }
}
