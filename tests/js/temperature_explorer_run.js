// The temperature explorer's data and, at every stop of its slider, its weights and the query's gradient norm.
() => ({data: window.temperatureExplorer.data(),
        stops: window.temperatureExplorer.stops().map(T => window.temperatureExplorer.attend(T))})
