import ArgumentParser

@main
struct Sightline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sightline",
        abstract: "Natural-language vehicle search for traffic cameras.",
        subcommands: [
            Rank.self, Evaluate.self, FitWeights.self, Train.self, Index.self, Search.self, Serve.self,
            Models.self, EmbedText.self, EmbedImage.self, ClassifyImage.self, DetectImage.self, Bench.self, Trajectories.self, DetectTracks.self, Ingest.self, Parse.self, DescribeImage.self, DescribeTrack.self, Render.self,
            TrainTypeHead.self,
        ]
    )
}
