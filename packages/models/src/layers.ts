import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Shape = (number | null)[];

/** Constructor arguments of `FeatureSlice`. */
export interface FeatureSliceArgs extends LayerArgs {
  /** First feature kept. */
  begin: number;
  /** Number of features kept. */
  size: number;
}

/**
 * Keeps features [begin, begin + size) of a [N, F] tensor: the Spinal head's `x[:, a:b]`.
 * A registered, serializable layer, so a saved Spinal-VGG loads back without extra code.
 */
export class FeatureSlice extends tfl.layers.Layer {
  /** Class name in saved models (registered under the `mixent` package: `mixent>FeatureSlice`). */
  static className = 'FeatureSlice';
  private readonly begin: number;
  private readonly size: number;

  constructor(args: FeatureSliceArgs) {
    super(args);
    if (!Number.isInteger(args.begin) || args.begin < 0 || !Number.isInteger(args.size) || args.size < 1) {
      throw new Error(`FeatureSlice: begin must be an integer >= 0 and size >= 1 (got ${args.begin}, ${args.size})`);
    }
    this.begin = args.begin;
    this.size = args.size;
  }

  /** [N, F] → [N, size]; throws if the slice runs past the features. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape[0];
    const [batch, features] = Array.isArray(shape) ? shape : (inputShape as Shape);
    if (features != null && this.begin + this.size > features) {
      throw new Error(`FeatureSlice ${this.name}: [${this.begin}, ${this.begin + this.size}) exceeds ${features} features`);
    }
    return [batch ?? null, this.size];
  }

  /** The slice x[:, begin:begin + size]. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined || x.rank !== 2) throw new Error(`FeatureSlice ${this.name}: expects one [N, F] tensor`);
      return tf.slice(x, [0, this.begin], [-1, this.size]);
    });
  }

  /** The layer's config, with `begin` and `size`, for serialization. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), begin: this.begin, size: this.size };
  }
}

// Registration at import, as tfjs-layers does for its own layers: loading a model looks the class up by name.
tf.serialization.registerClass(FeatureSlice, 'mixent');
