// The smallest gap at which each sequence passes, as the head explorer finds it (null: none on the slider).
([task, head, sequences]) => sequences.map(tokens => window.headExplorer.smallestPassingGap(task, head, tokens))
