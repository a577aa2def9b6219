"""Recurrent layers: cells, the RNN time loop, LSTM/GRU/SimpleRNN, ConvLSTM and the
Bidirectional / TimeDistributed wrappers."""
