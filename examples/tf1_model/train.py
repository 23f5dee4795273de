"""Trains the small CNN with placeholders, feed_dict and a tf.Session (TF 1.x style).

python train.py --model_dir /tmp/tf1_model --train_steps 200
"""

import os

import data
import model
import numpy as np
import tensorflow as tf

flags = tf.flags
FLAGS = flags.FLAGS

flags.DEFINE_string("model_dir", "/tmp/tf1_model", "Checkpoints and summaries go here.")
flags.DEFINE_string("train_records", "", "TFRecord glob; synthetic data when empty.")
flags.DEFINE_integer("train_steps", 200, "Number of training steps.")
flags.DEFINE_integer("batch_size", 64, "Examples per training step.")
flags.DEFINE_float("learning_rate", 0.01, "Initial learning rate.")
flags.DEFINE_float("keep_prob", 0.5, "Dropout keep probability while training.")


def build_graph():
    """Placeholders, model, loss and train op; returns the tensors the loop needs."""
    images = tf.placeholder(tf.float32, [None, data.IMAGE_SIZE, data.IMAGE_SIZE, 1], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    keep_prob = tf.placeholder_with_default(1.0, shape=[], name="keep_prob")
    is_training = tf.placeholder_with_default(False, shape=[], name="is_training")

    logits = model.build_model(images, data.NUM_CLASSES, keep_prob, is_training)
    loss = model.loss_fn(logits, labels)
    accuracy = model.accuracy(logits, labels)

    global_step = tf.train.get_or_create_global_step()
    learning_rate = tf.train.exponential_decay(
        FLAGS.learning_rate, global_step, decay_steps=100, decay_rate=0.9, staircase=True
    )
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        optimizer = tf.train.MomentumOptimizer(learning_rate, momentum=0.9)
        train_op = optimizer.minimize(loss, global_step=global_step)

    tf.summary.scalar("loss", loss)
    tf.summary.scalar("accuracy", accuracy)
    tf.summary.scalar("learning_rate", learning_rate)
    return {
        "images": images,
        "labels": labels,
        "keep_prob": keep_prob,
        "is_training": is_training,
        "loss": loss,
        "accuracy": accuracy,
        "train_op": train_op,
        "global_step": global_step,
        "summaries": tf.summary.merge_all(),
    }


def evaluate(sess, g, images, labels, batch_size=500):
    total = 0.0
    for start in range(0, len(labels), batch_size):
        end = min(start + batch_size, len(labels))
        acc = sess.run(
            g["accuracy"],
            feed_dict={g["images"]: images[start:end], g["labels"]: labels[start:end]},
        )
        total += acc * (end - start)
    return total / len(labels)


def main(_):
    tf.logging.set_verbosity(tf.logging.INFO)
    if not tf.gfile.Exists(FLAGS.model_dir):
        tf.gfile.MakeDirs(FLAGS.model_dir)

    train_x, train_y = data.synthetic_arrays(5000, seed=1)
    eval_x, eval_y = data.synthetic_arrays(1000, seed=2)

    g = build_graph()
    next_batch = None
    if FLAGS.train_records:
        next_batch = data.tfrecord_batches(FLAGS.train_records, FLAGS.batch_size)
    saver = tf.train.Saver(max_to_keep=3)

    with tf.Session() as sess:
        writer = tf.summary.FileWriter(FLAGS.model_dir, sess.graph)
        checkpoint = tf.train.latest_checkpoint(FLAGS.model_dir)
        if checkpoint:
            tf.logging.info("Restoring from %s", checkpoint)
            saver.restore(sess, checkpoint)
        else:
            sess.run(tf.global_variables_initializer())

        step = 0
        for _ in range(FLAGS.train_steps):
            if next_batch is not None:
                batch_x, batch_y = sess.run(next_batch)
            else:
                idx = np.random.randint(0, len(train_y), size=FLAGS.batch_size)
                batch_x, batch_y = train_x[idx], train_y[idx]
            feed = {
                g["images"]: batch_x,
                g["labels"]: batch_y,
                g["keep_prob"]: FLAGS.keep_prob,
                g["is_training"]: True,
            }
            _, loss, summary, step = sess.run(
                [g["train_op"], g["loss"], g["summaries"], g["global_step"]], feed_dict=feed
            )
            writer.add_summary(summary, step)
            if step % 50 == 0:
                tf.logging.info("step %d: loss = %.4f", step, loss)

        tf.logging.info("eval accuracy: %.3f", evaluate(sess, g, eval_x, eval_y))
        saver.save(sess, os.path.join(FLAGS.model_dir, "model.ckpt"), global_step=step)
        writer.close()


if __name__ == "__main__":
    tf.app.run()
