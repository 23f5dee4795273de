"""Input data: synthetic MNIST-shaped arrays, and a TFRecord pipeline built on tf.data."""

import numpy as np
import tensorflow as tf

IMAGE_SIZE = 28
NUM_CLASSES = 10


def synthetic_arrays(num_examples, seed=0):
    """Noise images whose brightest row encodes the label, so the model can learn."""
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, NUM_CLASSES, size=num_examples).astype(np.int64)
    images = rng.normal(size=(num_examples, IMAGE_SIZE, IMAGE_SIZE, 1)).astype(np.float32)
    images[np.arange(num_examples), labels * 2, :, 0] += 3.0
    return images, labels


def write_tfrecords(path, images, labels):
    """Writes (image, label) pairs as tf.train.Examples."""
    with tf.python_io.TFRecordWriter(path) as writer:
        for i, label in enumerate(labels):
            image = images[i]
            feature = {
                "image": tf.train.Feature(
                    float_list=tf.train.FloatList(value=image.reshape(-1).tolist())
                ),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)])),
            }
            example = tf.train.Example(features=tf.train.Features(feature=feature))
            writer.write(example.SerializeToString())


def parse_example(serialized):
    features = tf.parse_single_example(
        serialized,
        features={
            "image": tf.FixedLenFeature([IMAGE_SIZE * IMAGE_SIZE], tf.float32),
            "label": tf.FixedLenFeature([], tf.int64),
        },
    )
    image = tf.reshape(features["image"], [IMAGE_SIZE, IMAGE_SIZE, 1])
    return image, features["label"]


def tfrecord_batches(pattern, batch_size, shuffle=True, num_epochs=None):
    """Returns a (images, labels) tensor pair that yields a new batch per sess.run."""
    files = tf.gfile.Glob(pattern)
    if not files:
        raise ValueError(f"No files match {pattern}")
    dataset = tf.data.TFRecordDataset(files)
    dataset = dataset.map(parse_example, num_parallel_calls=4)
    if shuffle:
        dataset = dataset.shuffle(buffer_size=1000)
    dataset = dataset.repeat(num_epochs).batch(batch_size)
    iterator = dataset.make_one_shot_iterator()
    return iterator.get_next()


def array_batches(images, labels, batch_size):
    """Same contract as `tfrecord_batches`, from in-memory arrays."""
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    dataset = dataset.shuffle(len(labels)).repeat().batch(batch_size)
    return dataset.make_one_shot_iterator().get_next()
