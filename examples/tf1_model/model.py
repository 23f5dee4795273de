"""A small convolutional classifier written against the TensorFlow 1.x API."""

import tensorflow as tf


def _weights(name, shape, weight_decay):
    """A weight variable with Glorot initialization and L2 weight decay."""
    return tf.get_variable(
        name,
        shape=shape,
        initializer=tf.contrib.layers.xavier_initializer(),
        regularizer=tf.contrib.layers.l2_regularizer(weight_decay),
    )


def conv_pool(inputs, filters, kernel_size, name, weight_decay):
    """conv -> bias -> ReLU -> 2x2 max-pool, with variables under `name`."""
    with tf.variable_scope(name):
        in_channels = inputs.get_shape()[-1].value
        kernel = _weights("kernel", [kernel_size, kernel_size, in_channels, filters], weight_decay)
        bias = tf.get_variable("bias", [filters], initializer=tf.zeros_initializer())
        net = tf.nn.conv2d(inputs, kernel, strides=[1, 1, 1, 1], padding="SAME")
        net = tf.nn.relu(tf.nn.bias_add(net, bias))
        return tf.nn.max_pool(net, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def build_model(images, num_classes, keep_prob, is_training, weight_decay=1e-4):
    """Returns unnormalized class scores for a batch of [N, 28, 28, 1] images.

    `keep_prob` is the probability of *keeping* a unit in the dropout layer (TF1
    semantics); feed 1.0 at evaluation time.
    """
    with tf.variable_scope("cnn", reuse=tf.AUTO_REUSE):
        net = conv_pool(images, 32, 5, "conv1", weight_decay)
        net = conv_pool(net, 64, 5, "conv2", weight_decay)
        net = tf.layers.flatten(net)
        net = tf.layers.dense(
            net,
            256,
            activation=tf.nn.relu,
            kernel_initializer=tf.contrib.layers.xavier_initializer(),
            kernel_regularizer=tf.contrib.layers.l2_regularizer(weight_decay),
            name="fc1",
        )
        net = tf.layers.batch_normalization(net, training=is_training, name="bn1")
        net = tf.nn.dropout(net, keep_prob)
        logits = tf.layers.dense(net, num_classes, name="logits")
    return logits


def loss_fn(logits, labels):
    """Mean cross-entropy plus every registered regularization loss."""
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    data_loss = tf.reduce_mean(xent)
    reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    return data_loss + tf.add_n(reg_losses) if reg_losses else data_loss


def accuracy(logits, labels):
    correct = tf.equal(tf.argmax(logits, 1), labels)
    return tf.reduce_mean(tf.to_float(correct))


def confidence(logits):
    """Probability of the predicted class, shape [N, 1]."""
    probs = tf.nn.softmax(logits)
    return tf.reduce_max(probs, axis=1, keep_dims=True)


def prediction_entropy(logits):
    """Entropy of the predictive distribution, shape [N, 1]."""
    probs = tf.nn.softmax(logits)
    return -tf.reduce_sum(probs * tf.log(probs + 1e-8), reduction_indices=[1], keep_dims=True)
